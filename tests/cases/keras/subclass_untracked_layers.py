# Layers a subclassed model's call() makes without keeping them as attributes are not tracked by Keras:
# `layers.concatenate(...)` and `layers.Add()(...)` are not in model.layers, and a Dense made in call() has
# weights that are not the model's (count_params() leaves them out)
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(4)
        self.b = layers.Dense(4)
        self.out = layers.Dense(2)

    def call(self, x):
        y = keras.layers.concatenate([self.a(x), self.b(x)])
        z = layers.Add()([y, y])
        return self.out(layers.Dense(8)(z))


model = Net()
model(keras.ops.zeros((1, 3)))
