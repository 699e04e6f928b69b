import keras
from keras import layers

inputs = keras.Input(shape=(32,))
shared = layers.Dense(16, activation="relu")
a = shared(inputs)
b = shared(layers.Dense(32)(inputs))
merged = layers.add([a, b])
c = layers.Concatenate()([merged, a])
outputs = layers.Dense(3)(c)
model = keras.Model(inputs, outputs)
