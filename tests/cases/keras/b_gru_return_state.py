import keras
from keras import layers

inputs = keras.Input((9, 4))
whole, last = layers.GRU(6, return_sequences=True, return_state=True, go_backwards=True)(inputs)
model = keras.Model(inputs, [whole, last])
