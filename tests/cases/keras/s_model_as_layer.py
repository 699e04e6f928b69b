import keras
from keras import layers

encoder = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(8)], name="encoder")
head = keras.Sequential([keras.Input((8,)), layers.Dense(3)], name="head")
inputs = keras.Input(shape=(64,))
features = encoder(inputs)
outputs = head(features)
model = keras.Model(inputs, outputs)
