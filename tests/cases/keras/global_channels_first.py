# keras.backend.set_image_data_format("channels_first"): every layer made after it that takes a data_format and is
# not given one uses channels_first (keras-io's SSVEPFormer). Set back at the end, as the other cases expect.
import keras
from keras import backend as K
from keras import layers

K.set_image_data_format("channels_first")
x = keras.Input((8, 450))
y = layers.Conv1D(16, 1)(x)
z = layers.MaxPooling1D(2)(y)
w = layers.Conv1D(4, 3, data_format="channels_last")(layers.Permute((2, 1))(z))
i = keras.Input((3, 32, 32))
c = layers.GlobalAveragePooling2D()(layers.Conv2D(8, 3)(layers.ZeroPadding2D(1)(i)))
if K.image_data_format() == "channels_first":
    f = layers.Concatenate()([layers.Flatten()(w), c])
model = keras.Model([x, i], layers.Dense(3)(f))
keras.config.set_image_data_format("channels_last")
