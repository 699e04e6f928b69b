# A tabular model with Normalization and UnitNormalization.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((12,)),
    layers.Normalization(),
    layers.Dense(32, activation="relu"),
    layers.UnitNormalization(),
    layers.Dense(1),
])
