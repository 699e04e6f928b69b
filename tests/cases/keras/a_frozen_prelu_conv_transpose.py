# Frozen layers: trainable=False on PReLU and Conv2DTranspose moves their weights to non-trainable.
import keras
from keras import layers

inputs = keras.Input((6, 6, 2))
x = layers.Conv2DTranspose(4, 3, strides=2, trainable=False)(inputs)
x = layers.PReLU(shared_axes=[1, 2])(x)
p = layers.PReLU(shared_axes=[1, 2], name="frozen_prelu")
p.trainable = False
x = p(x)
x = layers.SeparableConv2D(3, 3, trainable=False)(x)
model = keras.Model(inputs, x)
