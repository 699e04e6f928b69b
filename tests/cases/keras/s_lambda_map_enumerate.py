import keras
from keras import layers

make = lambda n: layers.Dense(n, activation="relu")
hidden = list(map(make, [30, 20]))
inputs = keras.Input((15,))
x = inputs
for i, layer in enumerate(hidden):
    x = layer(x)
    if i == 0:
        x = layers.Dropout(0.5)(x)
model = keras.Model(inputs, layers.Dense(2)(x), name="mapped")
