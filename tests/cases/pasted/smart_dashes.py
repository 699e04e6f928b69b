import keras
from keras import layers

SIZE = 28
model = keras.Sequential([
    keras.Input((SIZE, SIZE, 1)),
    layers.Conv2D(16, 3),
    layers.Flatten(),
    layers.Dense(SIZE - 18),
    layers.Dense(10 - 7),
    layers.Dense(2 * 3),
])
