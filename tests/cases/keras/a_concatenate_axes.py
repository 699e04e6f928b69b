# Concatenate on different axes.
import keras
from keras import layers

a = keras.Input((4, 5, 3))
b = keras.Input((4, 5, 2))
c = keras.Input((4, 2, 3))
x = layers.Concatenate()([a, b])
y = layers.Concatenate(axis=2)([a, c])
z = layers.concatenate([a, a], axis=1)
w = layers.Concatenate(axis=-3)([a, a, a])
model = keras.Model([a, b, c], [x, y, z, w])
