# Keras 3 merge layers take a list of one tensor (Add()([x]) is x); a bare tensor is refused
import keras
from keras import layers

x = keras.Input((4,))
y = layers.Add()([x])
c = layers.Concatenate()([y])
z = layers.Dense(3)(c)
model = keras.Model(x, z)
