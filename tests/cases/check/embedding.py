# Word embeddings: the table has one row per word of the vocabulary, whatever the sentence length.
import keras

model = keras.Sequential([
    keras.Input((50,), dtype="int32"),
    keras.layers.Embedding(1000, 16),
    keras.layers.GlobalAveragePooling1D(),
    keras.layers.Dense(1),
])
