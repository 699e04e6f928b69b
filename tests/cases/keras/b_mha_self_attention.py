import keras
from keras import layers

x = keras.Input((16, 32))
y = layers.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
model = keras.Model(x, y)
