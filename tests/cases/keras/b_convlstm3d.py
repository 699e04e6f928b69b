import keras
from keras import layers

model = keras.Sequential([
    keras.Input((3, 8, 8, 8, 2)),
    layers.ConvLSTM3D(4, 3, padding="same", return_sequences=True),
    layers.ConvLSTM3D(2, (1, 2, 3)),
])
