import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(4, activation="relu"),
    layers.Dense(1),
])
