# keras.ops.rfft gives (real, imag), each with fft_length // 2 + 1 values on the last axis (keras-io SSVEPFormer)
import keras
from keras import layers


class Spectrum(layers.Layer):
    def call(self, x):
        real, imag = keras.ops.rfft(x, fft_length=64)
        return keras.ops.concatenate((real[:, :, 2:10], imag[:, :, 2:10]), axis=-1)


x = keras.Input((4, 50))
y = Spectrum()(x)
model = keras.Model(x, layers.Dense(3)(layers.Flatten()(layers.Dense(6)(y))))
