import keras
from keras import layers

model = keras.Sequential([
    keras.Input((12,)),
    layers.Dense(8, trainable=False),
    layers.Dense(4),
])
