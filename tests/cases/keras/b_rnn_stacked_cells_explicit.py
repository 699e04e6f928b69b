import keras
from keras import layers

stack = layers.StackedRNNCells([layers.LSTMCell(6), layers.GRUCell(3, reset_after=False)])
inputs = keras.Input((8, 4))
x = layers.RNN(stack, return_sequences=True)(inputs)
model = keras.Model(inputs, layers.RNN([layers.SimpleRNNCell(2)])(x))
