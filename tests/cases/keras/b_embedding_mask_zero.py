import keras
from keras import layers

tokens = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(input_dim=5000, output_dim=32, mask_zero=True)(tokens)
x = layers.LSTM(16)(x)
model = keras.Model(tokens, layers.Dense(3)(x))
