# A 1-D convolutional autoencoder: pooling down, UpSampling1D and Conv1DTranspose up.
import keras
from keras import layers

inputs = keras.Input((64, 1))
x = layers.Conv1D(16, 5, padding="same", activation="relu")(inputs)
x = layers.MaxPooling1D(2)(x)
x = layers.Conv1D(8, 3, padding="same", activation="relu")(x)
encoded = layers.MaxPooling1D(2, padding="same")(x)
x = layers.UpSampling1D(2)(encoded)
x = layers.Conv1DTranspose(8, 3, padding="same")(x)
x = layers.Conv1DTranspose(16, 2, strides=2)(x)
decoded = layers.Conv1D(1, 3, padding="same")(x)
model = keras.Model(inputs, decoded)
