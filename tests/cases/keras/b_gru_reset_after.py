import keras
from keras import layers

model = keras.Sequential([keras.Input((15, 6)), layers.GRU(10, return_sequences=True), layers.GRU(3)])
