# Identity, Masking and Lambda layers have no parameters.
import keras
from keras import layers

inputs = keras.Input((12, 4))
x = layers.Masking(mask_value=0.0)(inputs)
x = layers.Identity()(x)
x = layers.Dense(6)(x)
x = layers.Lambda(lambda t: t * 2.0)(x)
x = layers.Lambda(lambda t: t[:, 0, :], output_shape=(6,))(x)
x = layers.Dense(2)(x)
model = keras.Model(inputs, x)
