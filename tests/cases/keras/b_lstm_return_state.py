import keras
from keras import layers

x = keras.Input((7, 5))
out, h, c = layers.LSTM(9, return_state=True)(x)
seq = layers.LSTM(4, return_sequences=True, return_state=True, use_bias=False)(x)
model = keras.Model(x, [out, h, c, seq[0]])
