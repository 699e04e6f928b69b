import keras
import keras.layers as L

inp = keras.Input((12,))
h = L.Dense(8, name="hidden")(inp)
model = keras.Model(inp, L.Dense(1, name="out")(h))
