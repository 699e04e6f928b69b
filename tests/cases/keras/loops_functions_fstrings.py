import keras
from keras import layers

N_BLOCKS = 3
BASE = 8


def block(x, i, kernel=3):
    x = layers.Conv1D(BASE * 2 ** i, kernel, padding="same", name=f"conv_{i}")(x)
    if i % 2 == 0:
        x = layers.MaxPooling1D(2, name=f"pool_{i}")(x)
    return x


def build_model(n_classes=4, length=64):
    inputs = keras.Input((length, 2))
    x = inputs
    for i in range(N_BLOCKS):
        x = block(x, i)
    x = layers.GlobalMaxPooling1D()(x)
    sizes = [n_classes * k for k in (4, 2)]
    for s in sizes:
        x = layers.Dense(s)(x)
    return keras.Model(inputs, layers.Dense(n_classes)(x))


model = build_model(n_classes=6)
