import keras
from keras import layers

inputs = keras.Input((12, 6))
out, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(7, return_state=True))(inputs)
state_h = layers.Concatenate()([fh, bh])
model = keras.Model(inputs, [out, state_h, fc, bc])
