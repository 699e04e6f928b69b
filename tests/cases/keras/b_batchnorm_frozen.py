import keras
from keras import layers

bn = layers.BatchNormalization(name="frozen_bn")
bn.trainable = False
inputs = keras.Input((8, 8, 4))
x = layers.Conv2D(4, 1)(inputs)
x = bn(x)
x = layers.BatchNormalization(trainable=False)(x)
model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
