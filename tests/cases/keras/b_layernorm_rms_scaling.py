import keras
from keras import layers

model = keras.Sequential([
    keras.Input((10, 16)),
    layers.LayerNormalization(rms_scaling=True),
    layers.LayerNormalization(scale=False),
    layers.LayerNormalization(center=False, scale=False),
    layers.Dense(4),
])
