# Unknown spatial sizes (None): convolutions and pooling keep None, global pooling removes it.
import keras
from keras import layers

inputs = keras.Input((None, None, 3))
x = layers.Conv2D(8, 3, padding="same")(inputs)
x = layers.SeparableConv2D(8, 3)(x)
x = layers.DepthwiseConv2D(3, depth_multiplier=2)(x)
x = layers.Conv2DTranspose(4, 3, strides=2)(x)
x = layers.MaxPooling2D()(x)
x = layers.UpSampling2D()(x)
x = layers.ZeroPadding2D()(x)
x = layers.Cropping2D(1)(x)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(2)(x))
