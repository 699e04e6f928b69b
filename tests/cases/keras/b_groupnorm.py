import keras
from keras import layers

inputs = keras.Input((8, 8, 16))
x = layers.GroupNormalization(groups=4)(inputs)
x = layers.GroupNormalization(groups=-1, center=False)(x)
x = layers.GroupNormalization(2, axis=1)(x)
x = layers.GroupNormalization()(layers.Conv2D(32, 3)(x))
model = keras.Model(inputs, x)
