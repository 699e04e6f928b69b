import keras
from keras import layers

from .blocks import conv_block, residual_block
from .settings import INPUT_SHAPE, WIDTHS


def build_model(num_classes=10, widths=WIDTHS):
    inputs = keras.Input(shape=INPUT_SHAPE)
    x = conv_block(inputs, widths[0])
    for w in widths:
        x = residual_block(x, w)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="kfn")
