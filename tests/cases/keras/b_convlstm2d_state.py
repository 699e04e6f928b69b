import keras
from keras import layers

inp = keras.Input((5, 12, 10, 2))
out, h, c = layers.ConvLSTM2D(3, (3, 2), strides=(2, 1), dilation_rate=1, return_state=True)(inp)
model = keras.Model(inp, [out, h, c])
