# Permute, RepeatVector and Reshape in a small sequence model.
import keras
from keras import layers

inputs = keras.Input((12, 5))
x = layers.Permute((2, 1))(inputs)
x = layers.Dense(7)(x)
x = layers.Flatten()(x)
x = layers.Dense(8)(x)
x = layers.RepeatVector(6)(x)
x = layers.Reshape((6, 4, 2))(x)
x = layers.Permute((3, 1, 2))(x)
model = keras.Model(inputs, x)
