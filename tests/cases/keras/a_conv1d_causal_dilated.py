# Conv1D with causal padding and dilation (WaveNet style), then strided valid convolutions.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((64, 3)),
    layers.Conv1D(16, 3, padding="causal", dilation_rate=2),
    layers.Conv1D(16, 3, padding="causal", dilation_rate=4, use_bias=False),
    layers.Conv1D(8, 5, strides=2),
    layers.Conv1D(4, 3, strides=3, padding="same"),
])
