import keras
from keras import layers

inputs = keras.Input((10, 5))
x = layers.RNN(layers.LSTMCell(8), return_sequences=True)(inputs)
x = layers.RNN(layers.GRUCell(4, reset_after=False), return_sequences=True)(x)
x = layers.RNN(layers.SimpleRNNCell(3, use_bias=False))(x)
model = keras.Model(inputs, x)
