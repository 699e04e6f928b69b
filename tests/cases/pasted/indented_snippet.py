import keras
from keras import layers

inputs = keras.Input(shape=(64,))
x = layers.Dense(32, activation="relu")(inputs)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs, outputs)
