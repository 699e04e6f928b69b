# Keras 3 adaptive pooling layers: fixed output sizes whatever the input size.
import keras
from keras import layers

inputs = keras.Input((17, 13, 4))
x = layers.AdaptiveAveragePooling2D(5)(inputs)
y = layers.AdaptiveMaxPooling2D((2, 3))(inputs)
seq = keras.Input((20, 3))
z = layers.AdaptiveMaxPooling1D(4)(seq)
model = keras.Model([inputs, seq], [x, y, z])
