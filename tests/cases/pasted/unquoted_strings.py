import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12, 12, 3)),
    layers.Conv2D(4, 3, padding="same", activation="relu", name="first_conv"),
    layers.Flatten(name="flat"),
    layers.Dense(3, activation="softmax", name="head"),
])
