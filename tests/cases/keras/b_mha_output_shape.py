import keras
from keras import layers

x = keras.Input((6, 10))
a = layers.MultiHeadAttention(2, 4, output_shape=20)(x, x)
b = layers.MultiHeadAttention(2, 4, output_shape=(3, 5))(x, x)
model = keras.Model(x, [a, b])
