# DepthwiseConv2D (MobileNet style): depth_multiplier, strides, then a pointwise Conv2D.
import keras
from keras import layers

inputs = keras.Input((28, 28, 8))
x = layers.DepthwiseConv2D(3, padding="same")(inputs)
x = layers.DepthwiseConv2D((3, 3), strides=2, depth_multiplier=2, use_bias=False)(x)
x = layers.Conv2D(32, 1)(x)
x = layers.DepthwiseConv2D(5, dilation_rate=2, depth_multiplier=3)(x)
model = keras.Model(inputs, x)
