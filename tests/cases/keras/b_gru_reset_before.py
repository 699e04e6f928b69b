import keras
from keras import layers

inputs = keras.Input((15, 6))
x = layers.GRU(10, reset_after=False, return_sequences=True)(inputs)
x = layers.GRU(8, reset_after=False, use_bias=False)(x)
y = layers.GRU(units=4, use_bias=False)(inputs)
model = keras.Model(inputs, [x, y])
