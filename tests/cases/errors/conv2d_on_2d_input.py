import keras
from keras import layers

inputs = keras.Input(shape=(28, 28))
x = layers.Conv2D(32, 3)(inputs)
model = keras.Model(inputs, x)
