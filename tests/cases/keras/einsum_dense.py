# keras.layers.EinsumDense: kernel and bias sizes come from the equation's letters (keras-io transformers)
import keras
from keras import layers

x = keras.Input((10, 32))
q = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")(x)
f = layers.Reshape((10, 32))(q)
y = layers.EinsumDense("...b,bc->...c", output_shape=64, bias_axes="c", activation="relu")(f)
z = layers.EinsumDense("abc,cd->abd", output_shape=(10, 16))(y)
w = layers.EinsumDense("ab...,bc->ac...", output_shape=(7,), bias_axes="c")(z)
model = keras.Model(x, w)
