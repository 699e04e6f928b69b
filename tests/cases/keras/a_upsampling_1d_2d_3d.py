# UpSampling1D, UpSampling2D (size tuple, bilinear, channels_first) and UpSampling3D.
import keras
from keras import layers

a = keras.Input((7, 3))
b = keras.Input((5, 6, 2))
c = keras.Input((2, 3, 4, 1))
ya = layers.UpSampling1D(3)(a)
yb = layers.UpSampling2D((2, 3), interpolation="bilinear")(b)
yb2 = layers.UpSampling2D(data_format="channels_first")(b)
yc = layers.UpSampling3D((1, 2, 3))(c)
yc2 = layers.UpSampling3D()(c)
model = keras.Model([a, b, c], [ya, yb, yb2, yc, yc2])
