import keras
from keras import layers

model = keras.Sequential([
    keras.Input((6, 4)),
    layers.Bidirectional(layers.RNN(layers.GRUCell(3), return_sequences=True), merge_mode="concat"),
    layers.Flatten(),
])
