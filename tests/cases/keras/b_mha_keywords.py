import keras
from keras import layers

query = keras.Input((8, 16))
value = keras.Input((10, 12))
out = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=6, use_bias=False)(query=query, value=value)
model = keras.Model([query, value], out)
