import keras
from keras import layers

model = keras.Sequential([
    keras.Input((6, 12)),
    layers.UnitNormalization(),
    layers.RMSNormalization(),
    layers.RMSNormalization(axis=[1, 2]),
    layers.UnitNormalization(axis=[1, 2]),
])
