import keras
from keras import layers

inputs = keras.Input((12, 6))
forward, backward = layers.Bidirectional(layers.LSTM(7, return_sequences=True), merge_mode=None)(inputs)
model = keras.Model(inputs, [forward, backward])
