import keras
from keras import layers

model = keras.Sequential([keras.Input((12,)), layers.Dense(6), layers.BatchNormalization(renorm=True)])
