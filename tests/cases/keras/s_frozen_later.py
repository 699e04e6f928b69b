import keras
from keras import layers

inputs = keras.Input((12,))
first = layers.Dense(8)
x = first(inputs)
x = layers.Dense(8)(x)
model = keras.Model(inputs, layers.Dense(2)(x))
first.trainable = False
model.layers[2].trainable = False
