# Padding before a valid convolution, cropping after a transposed one (a common decoder trick).
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.ZeroPadding2D(2),
    layers.Conv2D(8, 5),
    layers.MaxPooling2D(),
    layers.Conv2DTranspose(8, 3, strides=2),
    layers.Cropping2D(((0, 1), (0, 1))),
    layers.Conv2D(1, 3, padding="same"),
])
