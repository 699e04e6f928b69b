# SpatialDropout3D and Conv3D.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((6, 6, 6, 1)),
    layers.Conv3D(2, 3),
    layers.SpatialDropout3D(0.25),
    layers.Flatten(),
    layers.Dense(3),
])
