import keras
from keras import layers

inp = keras.Input((4, 10, 2))
x = layers.Bidirectional(layers.ConvLSTM1D(3, 3, return_sequences=True), merge_mode="sum")(inp)
y = layers.Bidirectional(layers.ConvLSTM1D(2, 3))(x)
model = keras.Model(inp, y)
