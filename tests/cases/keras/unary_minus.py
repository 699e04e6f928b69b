# `-x` on a Keras tensor is keras.ops.negative: it keeps the shape (KerasTensor has no unary +)
import keras
from keras import layers

x = keras.Input((4,))
y = -layers.Dense(5)(x)
z = layers.Dense(3)(y)
out = layers.Dense(2)(-(z * 2))
model = keras.Model(x, out)
