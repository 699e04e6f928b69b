import keras
from keras import layers


class MLP(keras.Model):
    def __init__(self, widths=(64, 32), n_out=3, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [layers.Dense(w, activation="relu") for w in widths]
        self.drop = layers.Dropout(0.1)
        self.head = layers.Dense(n_out)

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x)
            x = self.drop(x, training=training)
        return self.head(x)


model = MLP(widths=[48, 24, 12], n_out=5)
model(keras.Input((20,)))
