# ZeroPadding1D/2D/3D in every argument form.
import keras
from keras import layers

a = keras.Input((10, 2))
b = keras.Input((8, 9, 3))
c = keras.Input((4, 5, 6, 1))
ya = layers.ZeroPadding1D()(a)
ya2 = layers.ZeroPadding1D((2, 3))(a)
yb = layers.ZeroPadding2D()(b)
yb2 = layers.ZeroPadding2D((1, 2))(b)
yb3 = layers.ZeroPadding2D(((1, 0), (2, 3)))(b)
yb4 = layers.ZeroPadding2D(2, data_format="channels_first")(b)
yc = layers.ZeroPadding3D()(c)
yc2 = layers.ZeroPadding3D(((0, 1), (2, 2), (1, 0)))(c)
yc3 = layers.ZeroPadding3D(1, data_format="channels_first")(c)
model = keras.Model([a, b, c], [ya, ya2, yb, yb2, yb3, yb4, yc, yc2, yc3])
