import keras
from keras import layers

query = keras.Input((4, 8))
value = keras.Input((6, 8))
a = layers.Attention()([query, value])
b = layers.Attention(use_scale=True)([query, value])
c = layers.Attention(use_scale=True, score_mode="concat")([query, value, value])
model = keras.Model([query, value], [a, b, c])
