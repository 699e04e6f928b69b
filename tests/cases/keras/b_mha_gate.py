import keras
from keras import layers

x = keras.Input((6, 10))
y = layers.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(x, x)
model = keras.Model(x, y)
