import keras
from keras import layers

x = keras.Input((6, 10))
memory = keras.Input((9, 10))
out, scores = layers.MultiHeadAttention(num_heads=2, key_dim=5)(x, x, return_attention_scores=True)
context, weights = layers.Attention()([x, memory], return_attention_scores=True)
extra, extra_weights = layers.AdditiveAttention()([x, memory], return_attention_scores=True)
model = keras.Model([x, memory], [out, scores, context, weights, extra, extra_weights])
