import keras
from keras import layers

inputs = keras.Input((12, 6))
a = layers.Bidirectional(layers.SimpleRNN(5), merge_mode="sum")(inputs)
b = layers.Bidirectional(layers.LSTM(5, use_bias=False), merge_mode="mul")(inputs)
c = layers.Bidirectional(layers.GRU(5, reset_after=False), merge_mode="ave")(inputs)
model = keras.Model(inputs, layers.concatenate([a, b, c]))
