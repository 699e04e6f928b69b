import keras
from keras import layers

model = keras.Sequential([
    keras.Input((40,), dtype="int32"),
    layers.Embedding(1000, 64),
    layers.GlobalAveragePooling1D(),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
