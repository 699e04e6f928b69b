# Global pooling with channels_first on 1-D, 2-D and 3-D inputs.
import keras
from keras import layers

a = keras.Input((5, 12))
b = keras.Input((6, 7, 8))
c = layers.Input((3, 4, 5, 6))
ya = layers.GlobalMaxPool1D(data_format="channels_first")(a)
yb = layers.GlobalAvgPool2D(data_format="channels_first")(b)
yc = layers.GlobalAveragePooling3D(data_format="channels_first", keepdims=True)(c)
ya2 = layers.AvgPool1D(2, data_format="channels_first")(a)
model = keras.Model([a, b, c], [ya, yb, yc, ya2])
