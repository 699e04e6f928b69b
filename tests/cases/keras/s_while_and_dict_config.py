import keras
from keras import layers

config = {"units": 32, "activation": "relu"}
depth = 0
layers_list = []
while depth < 3:
    layers_list.append(layers.Dense(**config))
    config["units"] //= 2
    depth += 1

model = keras.Sequential([keras.Input((40,)), *layers_list, layers.Dense(1)])
