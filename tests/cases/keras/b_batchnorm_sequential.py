import keras
from keras import layers

model = keras.Sequential([
    keras.Input((20,)),
    layers.Dense(32),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(10),
])
