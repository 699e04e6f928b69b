# SeparableConv1D with depth_multiplier and channels_first.
import keras
from keras import layers

inputs = keras.Input((50, 6))
x = layers.SeparableConv1D(12, 5, depth_multiplier=3)(inputs)
x = layers.SeparableConv1D(8, 3, strides=2, padding="same", use_bias=False)(x)
y = layers.Permute((2, 1))(x)
y = layers.SeparableConv1D(4, 3, data_format="channels_first", depth_multiplier=2)(y)
model = keras.Model(inputs, y)
