import keras
from keras import layers

model = keras.Sequential([
    keras.Input((10, 16)),
    layers.TimeDistributed(layers.Dense(8)),
    layers.TimeDistributed(layers.Dense(4, use_bias=False)),
])
