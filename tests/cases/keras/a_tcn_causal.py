# A temporal convolutional network: stacked causal dilated Conv1D with residual Add.
import keras
from keras import layers

inputs = keras.Input((100, 4))
x = layers.Conv1D(16, 1)(inputs)
for dilation in (1, 2, 4, 8):
    y = layers.Conv1D(16, 3, padding="causal", dilation_rate=dilation, activation="relu")(x)
    y = layers.SpatialDropout1D(0.1)(y)
    x = layers.add([x, y])
x = layers.Lambda(lambda t: t[:, -1, :], output_shape=(16,))(x)
model = keras.Model(inputs, layers.Dense(1)(x))
