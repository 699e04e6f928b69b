# A residual block with a projection shortcut and Add.
import keras
from keras import layers


def residual(x, filters, stride=1):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
    return layers.ReLU()(layers.Add()([y, shortcut]))


inputs = keras.Input((16, 16, 3))
x = layers.Conv2D(8, 3, padding="same")(inputs)
x = residual(x, 8)
x = residual(x, 16, stride=2)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(5)(x))
