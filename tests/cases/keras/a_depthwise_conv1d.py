# DepthwiseConv1D with depth_multiplier and channels_first.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((40, 5)),
    layers.DepthwiseConv1D(3, depth_multiplier=4),
    layers.DepthwiseConv1D(5, strides=2, padding="same", use_bias=False),
    layers.Permute((2, 1)),
    layers.DepthwiseConv1D(3, data_format="channels_first"),
])
