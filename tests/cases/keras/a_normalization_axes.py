# Normalization over several kept axes, and with a given mean and variance (no weights).
import keras
from keras import layers

inputs = keras.Input((5, 4, 3))
a = layers.Normalization(axis=(1, 2))(inputs)
b = layers.Normalization(axis=-2)(inputs)
c = layers.Normalization(mean=0.5, variance=0.25)(inputs)
d = layers.Normalization(axis=[1, -1])(inputs)
e = layers.Rescaling(scale=2.0, offset=-1.0)(inputs)
model = keras.Model(inputs, [a, b, c, d, e])
