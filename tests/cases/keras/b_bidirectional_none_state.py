import keras
from keras import layers

inputs = keras.Input((8, 3))
outs = layers.Bidirectional(layers.GRU(4, return_sequences=True, return_state=True), merge_mode=None)(inputs)
model = keras.Model(inputs, outs)
