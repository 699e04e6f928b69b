import keras
from keras import layers

inner = layers.Dense(6, name="per_step")
wrapper = layers.TimeDistributed(inner, name="td")
inputs = keras.Input((4, 3, 5))
model = keras.Model(inputs, wrapper(inputs))
