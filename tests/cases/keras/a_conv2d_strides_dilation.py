# Conv2D: asymmetric kernels, strides, dilation, use_bias=False.
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.Conv2D(8, (3, 1), strides=(1, 2), input_shape=(33, 31, 3)))
model.add(layers.Conv2D(8, 3, dilation_rate=(2, 3)))
model.add(layers.Conv2D(12, 2, strides=2, padding="same", use_bias=False))
model.add(layers.Conv2D(6, 1, groups=3))
