import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense()])
