# One Dense layer applied to two inputs: its weights are stored (and counted) once.
import keras

left = keras.Input((20,), name="left")
right = keras.Input((20,), name="right")
shared = keras.layers.Dense(8, name="shared")
merged = keras.layers.Concatenate(name="merged")([shared(left), shared(right)])
out = keras.layers.Dense(1, name="out")(merged)
model = keras.Model([left, right], out)
