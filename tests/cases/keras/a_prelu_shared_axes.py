# PReLU with shared_axes: one alpha per channel (common in super-resolution models).
import keras
from keras import layers

inputs = keras.Input((16, 16, 3))
x = layers.Conv2D(8, 3, padding="same")(inputs)
x = layers.PReLU(shared_axes=[1, 2])(x)
x = layers.Conv2D(8, 3, padding="same")(x)
x = layers.PReLU(shared_axes=[1])(x)
seq = layers.Reshape((-1, 8))(x)
seq = layers.PReLU(shared_axes=2)(seq)
model = keras.Model(inputs, seq)
