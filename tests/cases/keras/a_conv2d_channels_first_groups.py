# Conv2D with data_format="channels_first" and grouped convolutions.
import keras
from keras import layers

inputs = keras.Input(shape=(8, 20, 18))
x = layers.Conv2D(16, (3, 5), data_format="channels_first", groups=2)(inputs)
x = layers.Conv2D(32, 3, strides=(2, 1), padding="same", data_format="channels_first", groups=4)(x)
x = layers.MaxPooling2D(data_format="channels_first")(x)
model = keras.Model(inputs, x)
