import keras
from keras import layers

query = keras.Input((8, 16))
value = keras.Input((10, 12))
key = keras.Input((10, 6))
mha = layers.MultiHeadAttention(2, 5)
out = mha(query, value, key)
model = keras.Model([query, value, key], out)
