import keras
from keras import layers

inp = keras.Input((4, 2, 10, 10))
x = layers.ConvLSTM2D(3, 3, data_format="channels_first", return_sequences=True)(inp)
x = layers.ConvLSTM2D(5, 3, data_format="channels_first", padding="same")(x)
model = keras.Model(inp, x)
