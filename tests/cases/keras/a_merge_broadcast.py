# Element-wise merges broadcast size-1 axes.
import keras
from keras import layers

a = keras.Input((6, 4))
b = keras.Input((1, 4))
c = keras.Input((6, 1))
x = layers.Add()([a, b])
y = layers.Multiply()([a, c])
z = layers.Add()([b, c])
model = keras.Model([a, b, c], [x, y, z])
