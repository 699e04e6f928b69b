# 2-D pooling with strides, padding and channels_first.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((3, 17, 15)),
    layers.MaxPooling2D((2, 3), data_format="channels_first"),
    layers.AveragePooling2D(2, strides=1, padding="same", data_format="channels_first"),
    layers.MaxPool2D(pool_size=3, strides=(2, 1), padding="same", data_format="channels_first"),
    layers.GlobalAveragePooling2D(data_format="channels_first", keepdims=True),
    layers.Flatten(),
])
