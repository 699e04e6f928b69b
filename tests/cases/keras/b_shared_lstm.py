import keras
from keras import layers

a = keras.Input((9, 4))
b = keras.Input((9, 4))
shared = layers.LSTM(8)
merged = layers.concatenate([shared(a), shared(b)])
model = keras.Model([a, b], layers.Dense(1)(merged))
