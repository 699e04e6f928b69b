import keras
from keras import layers

model = keras.Sequential([
    keras.Input((6, 20, 3)),
    layers.ConvLSTM1D(8, 3, return_sequences=True),
    layers.ConvLSTM1D(4, 5, strides=2, padding="same", use_bias=False),
])
