import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([
    tf.keras.Input((20, 5)),
    layers.Bidirectional(tf.keras.layers.LSTM(6, return_sequences=True)),
    tf.keras.layers.TimeDistributed(layers.Dense(2)),
    layers.GroupNormalization(groups=2),
])
