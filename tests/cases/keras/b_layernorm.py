import keras
from keras import layers

inputs = keras.Input((5, 7, 3))
x = layers.LayerNormalization()(inputs)
x = layers.LayerNormalization(axis=[1, 2])(x)
x = layers.LayerNormalization(axis=(-3, -1), epsilon=1e-6)(x)
x = layers.LayerNormalization(axis=1, center=False)(x)
model = keras.Model(inputs, x)
