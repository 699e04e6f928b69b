import keras
from keras import layers

model = keras.Sequential()
model.add(layers.LSTM(20, input_shape=(12, 4), return_sequences=True))
model.add(layers.LayerNormalization())
model.add(layers.GRU(10))
model.add(layers.BatchNormalization())
model.add(layers.Dense(1))
