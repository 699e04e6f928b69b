import keras
from keras import layers

query = keras.Input((4, 8))
value = keras.Input((6, 8))
key = keras.Input((6, 8))
a = layers.AdditiveAttention()([query, value])
b = layers.AdditiveAttention(use_scale=False)([query, value, key])
model = keras.Model([query, value, key], layers.Concatenate()([a, b]))
