import keras
from keras import layers


class Builder:
    def __init__(self, width):
        self.width = width

    def block(self, x, scale=1):
        return layers.Dense(self.width * scale, activation="relu")(x)

    @staticmethod
    def head(x, n):
        return layers.Dense(n)(x)


builder = Builder(width=12)
inputs = keras.Input((9,))
x = builder.block(inputs)
x = builder.block(x, scale=2)
model = keras.Model(inputs, Builder.head(x, 4))
