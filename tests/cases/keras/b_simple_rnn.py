import keras
from keras import layers

model = keras.Sequential([
    keras.Input((None, 8)),
    layers.SimpleRNN(16, return_sequences=True),
    layers.SimpleRNN(4, use_bias=False),
    layers.Dense(2),
])
