from tensorflow.keras import layers, models

VOCAB = 1000
model = models.Sequential([
    layers.Input(shape=(50,)),
    layers.Embedding(VOCAB, 16),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
