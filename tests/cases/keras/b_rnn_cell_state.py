import keras
from keras import layers

inputs = keras.Input((10, 5))
out, h, c = layers.RNN(layers.LSTMCell(7), return_state=True)(inputs)
model = keras.Model(inputs, [out, h, c])
