import keras
from keras import layers

total = 0
for i in range(10**12):
    total += i

model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
