# Keras refuses this equation when the layer is built: "Invalid einsum equation 'ab->b'"
import keras
from keras import layers

x = keras.Input((10, 32))
y = layers.EinsumDense("ab->b", output_shape=8)(x)
model = keras.Model(x, y)
