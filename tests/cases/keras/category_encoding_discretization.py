# CategoryEncoding and Discretization have no weights; their output shapes follow the output_mode
import keras
from keras import layers

ids = keras.Input((3,), dtype="int32")
counts = layers.CategoryEncoding(num_tokens=10, output_mode="count")(ids)
one = keras.Input((1,), dtype="int32")
onehot = layers.CategoryEncoding(num_tokens=10, output_mode="one_hot")(one)
values = keras.Input((4,))
bins = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])(values)
binned = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(keras.ops.expand_dims(values, -1))
x = layers.Concatenate()([counts, onehot, layers.Flatten()(binned)])
model = keras.Model([ids, one, values], layers.Dense(2)(x))
