import keras
from keras import layers

x = keras.Input((5, 3, 8))
y = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(2,))(x, x)
model = keras.Model(x, y)
