import keras
from keras import layers

frames = keras.Input((8, 32, 32, 3))
x = layers.TimeDistributed(layers.Conv2D(16, 3, activation="relu"))(frames)
x = layers.TimeDistributed(layers.MaxPooling2D())(x)
x = layers.TimeDistributed(layers.BatchNormalization())(x)
x = layers.TimeDistributed(layers.Flatten())(x)
x = layers.LSTM(32)(x)
model = keras.Model(frames, layers.Dense(5)(x))
