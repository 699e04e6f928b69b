# Reshape with -1, Flatten, and Dense in between.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((4, 6, 2)),
    layers.Reshape((-1, 4)),
    layers.Dense(5),
    layers.Reshape((3, -1)),
    layers.Flatten(),
    layers.Reshape((2, 2, -1)),
    layers.Conv2D(3, 1),
])
