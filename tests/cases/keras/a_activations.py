# Activation layers: Activation, ReLU, LeakyReLU, ELU, Softmax (no parameters).
import keras
from keras import layers

inputs = keras.Input((20,))
x = layers.Dense(16)(inputs)
x = layers.LeakyReLU(negative_slope=0.1)(x)
x = layers.Dense(16)(x)
x = layers.ELU(alpha=0.5)(x)
x = layers.Dense(16)(x)
x = layers.ReLU(max_value=6.0, negative_slope=0.01, threshold=0.1)(x)
x = layers.Activation("tanh")(x)
x = layers.Dense(4)(x)
x = layers.Softmax(axis=-1)(x)
model = keras.Model(inputs, x)
