# The long aliases: Convolution2D, Convolution1DTranspose, SeparableConvolution2D, AvgPool3D.
import keras
from keras import layers

inputs = keras.Input((12, 12, 3))
x = layers.Convolution2D(4, 3)(inputs)
x = layers.SeparableConvolution2D(6, 3)(x)
x = layers.Convolution2DTranspose(2, 3)(x)
seq = keras.Input((10, 2))
y = layers.Convolution1DTranspose(3, 2, strides=2)(seq)
y = layers.Convolution1D(3, 2)(y)
vol = keras.Input((4, 4, 4, 1))
z = layers.AvgPool3D(2)(vol)
z = layers.Convolution3D(2, 1)(z)
model = keras.Model([inputs, seq, vol], [x, y, z])
