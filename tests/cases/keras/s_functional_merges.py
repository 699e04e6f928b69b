import keras
from keras import layers

a = keras.Input(shape=(16,), name="a")
b = keras.Input(shape=(16,), name="b")
c = keras.Input(shape=(8,), name="c")
x = layers.Dense(16)(a)
y = layers.Dense(16)(b)
s = layers.add([x, y])
d = layers.subtract([x, y])
m = layers.multiply([s, d])
avg = layers.Average()([x, y, m])
mx = layers.maximum([avg, x])
z = layers.concatenate([mx, c], axis=-1)
out1 = layers.Dense(1, name="score")(z)
out2 = layers.Dense(4, name="label")(layers.Concatenate()([s, c]))
model = keras.Model(inputs=[a, b, c], outputs=[out1, out2])
