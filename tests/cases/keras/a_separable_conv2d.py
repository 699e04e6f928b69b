# SeparableConv2D: depth_multiplier, strides, same padding, no bias.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((32, 32, 3)),
    layers.SeparableConv2D(16, 3, padding="same"),
    layers.SeparableConv2D(32, 3, strides=2, depth_multiplier=2),
    layers.SeparableConv2D(32, (5, 3), dilation_rate=2, use_bias=False),
    layers.GlobalAveragePooling2D(),
])
