import keras
from keras import layers

cells = [layers.SimpleRNNCell(6), layers.LSTMCell(5), layers.GRUCell(4)]
model = keras.Sequential([keras.Input((12, 3)), layers.RNN(cells), layers.Dense(2)])
