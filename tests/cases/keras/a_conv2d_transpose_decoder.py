# A small decoder: Dense -> Reshape -> Conv2DTranspose upsampling.
import keras
from keras import layers

latent = keras.Input((16,))
x = layers.Dense(7 * 7 * 32, activation="relu")(latent)
x = layers.Reshape((7, 7, 32))(x)
x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)
x = layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid")(x)
model = keras.Model(latent, x, name="decoder")
