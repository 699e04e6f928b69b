# Resizing and CenterCrop preprocessing inside a model.
import keras
from keras import layers

inputs = keras.Input((40, 30, 3))
x = layers.Resizing(32, 32)(inputs)
x = layers.CenterCrop(24, 20)(x)
x = layers.Conv2D(4, 3)(x)
model = keras.Model(inputs, x)
