# An LSTM text classifier: Keras has one bias per gate, PyTorch two (bias_ih and bias_hh).
import keras

model = keras.Sequential([
    keras.Input((30, 16)),
    keras.layers.LSTM(32),
    keras.layers.Dense(4),
])
