# Add, Subtract, Multiply, Average, Maximum, Minimum (the classes and the functions).
import keras
from keras import layers

a = keras.Input((8,))
b = keras.Input((8,))
x = layers.Dense(8)(a)
y = layers.Dense(8)(b)
s1 = layers.Add()([x, y, a])
s2 = layers.Subtract()([x, y])
s3 = layers.Multiply()([x, b])
s4 = layers.Average()([s1, s2, s3])
s5 = layers.Maximum()([s4, x])
s6 = layers.Minimum()([s5, y])
s7 = layers.subtract([s6, a])
s8 = layers.maximum([s7, s1])
model = keras.Model([a, b], layers.Dense(1)(s8))
