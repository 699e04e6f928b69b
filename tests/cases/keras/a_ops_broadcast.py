# Tensor arithmetic in code broadcasts like keras.ops: an unknown length meeting a known one takes the known one,
# so the Dense after Flatten has a known input size (a merge layer such as Add would keep None instead).
import keras
from keras import layers

a = keras.Input((None, 8))
b = keras.Input((10, 8))
c = keras.Input((1, 8))
x = a + b
x = x * c
y = layers.Flatten()(x)
model = keras.Model([a, b, c], layers.Dense(2)(y))
