import keras
from keras import layers

model = keras.Sequential([
    keras.Input((25, 10)),
    layers.Bidirectional(layers.LSTM(16, return_sequences=True)),
    layers.Bidirectional(layers.GRU(8)),
    layers.Dense(3, activation="softmax"),
])
