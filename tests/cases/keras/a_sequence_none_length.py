# A variable-length sequence (None steps): Conv1D, Conv1DTranspose, pooling, Masking.
import keras
from keras import layers

inputs = keras.Input((None, 6))
x = layers.Masking()(inputs)
x = layers.Conv1D(8, 3, padding="causal")(x)
x = layers.Conv1DTranspose(8, 3, strides=2)(x)
x = layers.SeparableConv1D(4, 3, padding="same")(x)
x = layers.Reshape((-1, 2))(x)
x = layers.GlobalMaxPooling1D()(x)
model = keras.Model(inputs, x)
