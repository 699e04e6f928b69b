# Cropping1D/2D/3D in every argument form.
import keras
from keras import layers

a = keras.Input((10, 2))
b = keras.Input((8, 9, 3))
c = keras.Input((6, 7, 8, 2))
ya = layers.Cropping1D()(a)
ya2 = layers.Cropping1D((2, 3))(a)
ya3 = layers.Cropping1D(cropping=4)(a)
yb = layers.Cropping2D()(b)
yb2 = layers.Cropping2D(1)(b)
yb3 = layers.Cropping2D(((1, 0), (2, 3)))(b)
yb4 = layers.Cropping2D((1, 1), data_format="channels_first")(b)
yc = layers.Cropping3D()(c)
yc2 = layers.Cropping3D(((0, 1), (2, 2), (1, 0)))(c)
model = keras.Model([a, b, c], [ya, ya2, ya3, yb, yb2, yb3, yb4, yc, yc2])
