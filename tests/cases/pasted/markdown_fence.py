import keras
from keras import layers

inputs = keras.Input(shape=(100,))
x = layers.Dense(50, activation="relu")(inputs)
outputs = layers.Dense(5)(x)
model = keras.Model(inputs, outputs)
