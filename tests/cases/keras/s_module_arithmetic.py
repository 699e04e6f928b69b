import keras
from keras import layers

IMG = 64
CHANNELS = 3
BASE = 2 ** 4
HIDDEN = IMG * IMG // 32 + 1
N_CLASSES = 7 % 4 + 1

model = keras.Sequential([
    keras.Input((IMG, IMG, CHANNELS)),
    layers.Conv2D(BASE, 3, strides=2),
    layers.Conv2D(BASE * 2, 3, strides=2),
    layers.Flatten(),
    layers.Dense(HIDDEN - 1),
    layers.Dense(N_CLASSES),
])
