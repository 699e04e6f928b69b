import keras
from keras import layers


class PositionalEmbedding(layers.Layer):
    def __init__(self, length, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocab, dim)
        self.positions = layers.Embedding(length, dim)
        self.length = length

    def call(self, x):
        return self.tokens(x) + self.positions(keras.ops.arange(self.length))
