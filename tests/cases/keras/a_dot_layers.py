# Dot products: vectors, matrices along axes, normalized (cosine similarity).
import keras
from keras import layers

a = keras.Input((8,))
b = keras.Input((8,))
m = keras.Input((3, 4))
n = keras.Input((3, 5))
p = keras.Input((5, 4))
x = layers.Dot(axes=1)([a, b])
y = layers.Dot(axes=1)([m, n])
z = layers.Dot(axes=(2, 2), normalize=True)([m, p])
w = layers.dot([n, p], axes=(2, 1))
model = keras.Model([a, b, m, n, p], [x, y, z, w])
