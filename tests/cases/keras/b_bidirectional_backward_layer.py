import keras
from keras import layers

forward_layer = layers.LSTM(10, return_sequences=True)
backward_layer = layers.LSTM(10, activation="relu", return_sequences=True, go_backwards=True)
model = keras.Sequential([
    keras.Input((5, 10)),
    layers.Bidirectional(forward_layer, backward_layer=backward_layer),
    layers.Dense(5),
])
