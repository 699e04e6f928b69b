# Keras refuses a merge layer called on one tensor instead of a list:
# "A merge layer should be called on a list of inputs."
import keras
from keras import layers

x = keras.Input((4,))
y = layers.Add()(x)
model = keras.Model(x, layers.Dense(3)(y))
