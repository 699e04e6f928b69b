# Dropout and noise layers keep shapes and have no parameters.
import keras
from keras import layers

inputs = keras.Input((10, 10, 3))
x = layers.Conv2D(4, 3)(inputs)
x = layers.SpatialDropout2D(0.1)(x)
x = layers.GaussianNoise(0.1)(x)
x = layers.Reshape((64, 4))(x)
x = layers.SpatialDropout1D(0.2)(x)
x = layers.Flatten()(x)
x = layers.GaussianDropout(0.3)(x)
x = layers.AlphaDropout(0.1)(x)
x = layers.ActivityRegularization(l1=0.01)(x)
x = layers.Dropout(rate=0.5, seed=1)(x)
x = layers.Dense(2)(x)
model = keras.Model(inputs, x)
