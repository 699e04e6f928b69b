# keras.layers.GroupQueryAttention: 4 query heads share 2 key/value heads; with and without bias, a key input
import keras
from keras import layers

q = keras.Input((10, 32))
v = keras.Input((6, 32))
k = keras.Input((6, 16))
a = layers.GroupQueryAttention(head_dim=8, num_query_heads=4, num_key_value_heads=2)(q, v)
b = layers.GroupQueryAttention(head_dim=4, num_query_heads=6, num_key_value_heads=3, use_bias=False)(a, v, k)
model = keras.Model([q, v, k], layers.Dense(3)(b))
