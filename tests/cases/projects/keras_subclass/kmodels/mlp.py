import keras
from keras import layers

from klayers import ResidualDense


class ResMLP(keras.Model):
    def __init__(self, width=32, depth=2, classes=3, **kwargs):
        super().__init__(**kwargs)
        self.inp = layers.Dense(width)
        self.blocks = [ResidualDense(width) for _ in range(depth)]
        self.out = layers.Dense(classes)

    def call(self, x):
        x = self.inp(x)
        for block in self.blocks:
            x = block(x)
        return self.out(x)
