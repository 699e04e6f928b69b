# An MLP of width H on 28x28 inputs.
import keras

H = 64

model = keras.Sequential([
    keras.Input((28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(H, activation="relu"),
    keras.layers.Dense(10),
])
