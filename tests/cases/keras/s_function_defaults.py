import keras
from keras import layers


def conv_block(x, filters, kernel=3, *, pool=True, name=None):
    x = layers.Conv2D(filters, kernel, padding="same", name=name)(x)
    if pool:
        x = layers.MaxPooling2D()(x)
    return x


def build(input_shape=(32, 32, 3), widths=(8, 16), **head):
    inputs = keras.Input(input_shape)
    x = inputs
    for i, w in enumerate(widths):
        x = conv_block(x, w, pool=i < len(widths) - 1, name=f"block{i}")
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(head.get("classes", 10))(x))


model = build(widths=(4, 8, 12), classes=5)
