# Conv2DTranspose and Conv2D with data_format="channels_first".
import keras
from keras import layers

inputs = keras.Input((3, 12, 10))
x = layers.Conv2D(8, 3, strides=2, data_format="channels_first")(inputs)
x = layers.Conv2DTranspose(8, 3, strides=2, data_format="channels_first")(x)
x = layers.Conv2DTranspose(4, 4, strides=2, padding="same", data_format="channels_first")(x)
model = keras.Model(inputs, x)
