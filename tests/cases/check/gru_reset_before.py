# A GRU with reset_after=False: one bias per gate (the Keras 2 / TensorFlow 1 layout).
import keras

model = keras.Sequential([
    keras.Input((30, 16)),
    keras.layers.GRU(32, reset_after=False),
    keras.layers.Dense(4),
])
