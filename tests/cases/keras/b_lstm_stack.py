import keras
from keras import layers

model = keras.Sequential([
    keras.Input((30, 12)),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(32, dropout=0.1),
    layers.Dense(1),
])
