# Keras preprocessing layers that need TensorFlow (lookups, hashing, text): no weights; shapes per output_mode
import keras
from keras import layers
s = keras.Input((1,), dtype="string")
a = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode="one_hot")(s)
b = layers.StringLookup(vocabulary=["a", "b", "c"])(s)
t = keras.Input((), dtype="string")
c = layers.TextVectorization(max_tokens=50, output_sequence_length=12)(t)
e = layers.Embedding(50, 4)(c)
i = keras.Input((3,), dtype="int64")
d = layers.IntegerLookup(vocabulary=[1, 2, 3, 4], output_mode="multi_hot")(i)
h = layers.Hashing(num_bins=7, output_mode="count")(i)
h2 = layers.Hashing(num_bins=7)(i)
x = keras.Input((1,), dtype="int64")
y = keras.Input((1,), dtype="int64")
hc = layers.HashedCrossing(num_bins=5, output_mode="one_hot")((x, y))
tv = layers.TextVectorization(max_tokens=20, output_mode="multi_hot", pad_to_max_tokens=True)(t)
m = keras.Model([s, t, i, x, y], [a, b, e, d, h, h2, hc, tv])
model = m
