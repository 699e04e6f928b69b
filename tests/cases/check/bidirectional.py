# A bidirectional LSTM: two copies of the LSTM, one reading each way.
import keras

model = keras.Sequential([
    keras.Input((30, 16)),
    keras.layers.Bidirectional(keras.layers.LSTM(32)),
    keras.layers.Dense(4),
])
