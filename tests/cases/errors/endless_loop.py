import keras
from keras import layers

units = []
while True:
    units.append(8)

model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
