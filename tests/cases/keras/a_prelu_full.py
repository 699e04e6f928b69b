# PReLU: one alpha per input value (the input shape without the batch axis).
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((8, 8, 3)),
    layers.Conv2D(4, 3),
    layers.PReLU(),
    layers.Flatten(),
    layers.Dense(10),
    layers.PReLU(),
])
