# A custom layer's build() that takes no shape (keras-io GRN/VSN): Keras 3 calls it without one
import keras
from keras import layers
class L(layers.Layer):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(4)
    def call(self, x):
        return self.d(x)
    def build(self):
        self.built = True
inp = keras.Input((3,))
model = keras.Model(inp, L()(inp))
