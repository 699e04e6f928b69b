import keras
from keras import layers

model = keras.Sequential([
    layers.InputLayer(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(32),
    layers.Dense(10),
])
