import keras
from keras import layers

backbone = keras.Sequential([keras.Input((20,)), layers.Dense(16), layers.Dense(16)], name="backbone")
backbone.trainable = False
inputs = keras.Input((20,))
model = keras.Model(inputs, layers.Dense(3)(backbone(inputs)))
