import keras
from keras import layers

from kcl.layers import LearnedScale, PositionalEmbedding

SEQ, VOCAB, DIM = 16, 100, 32


def text_classifier(classes=2):
    inputs = keras.Input(shape=(SEQ,), dtype="int32")
    x = PositionalEmbedding(SEQ, VOCAB, DIM)(inputs)
    x = LearnedScale()(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(DIM, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(classes)(x))
