# Conv3D channels_last and channels_first, with strides and same padding.
import keras
from keras import layers

inputs = keras.Input((9, 10, 11, 2))
x = layers.Conv3D(4, 3)(inputs)
x = layers.Conv3D(8, (1, 3, 3), strides=(1, 2, 2), padding="same")(x)
x = layers.Permute((4, 1, 2, 3))(x)
x = layers.Conv3D(6, 2, data_format="channels_first", groups=2)(x)
model = keras.Model(inputs, x)
