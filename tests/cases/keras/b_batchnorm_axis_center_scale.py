import keras
from keras import layers

inputs = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(8, 3, use_bias=False)(inputs)
x = layers.BatchNormalization(axis=1, center=False)(x)
x = layers.BatchNormalization(scale=False, momentum=0.9)(x)
x = layers.BatchNormalization(-1, 0.99, 1e-5, False, False)(x)
model = keras.Model(inputs, x)
