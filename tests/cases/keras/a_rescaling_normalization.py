# Rescaling and Normalization (mean, variance and count are non-trainable weights).
import keras
from keras import layers

inputs = keras.Input((16, 16, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Normalization()(x)
x = layers.Conv2D(4, 3)(x)
x = layers.Flatten()(x)
x = layers.Normalization(axis=None)(x)
x = layers.Dense(2)(x)
model = keras.Model(inputs, x)
