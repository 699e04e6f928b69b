# Conv1DTranspose: strides, same/valid padding, output_padding, dilation.
import keras
from keras import layers

inputs = keras.Input((10, 4))
x = layers.Conv1DTranspose(8, 3, strides=2)(inputs)
x = layers.Conv1DTranspose(8, 4, strides=3, padding="same")(x)
x = layers.Conv1DTranspose(6, 3, strides=2, output_padding=1)(x)
x = layers.Conv1DTranspose(5, 3, dilation_rate=2, use_bias=False)(x)
model = keras.Model(inputs, x)
