# The tensorflow.keras spelling of a small CNN with Conv2DTranspose and Cropping.
import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([
    layers.Input(shape=(20, 20, 2)),
    layers.Conv2D(6, 3, activation="relu"),
    layers.MaxPool2D(),
    layers.Conv2DTranspose(6, 3, strides=2, padding="same"),
    layers.Cropping2D(cropping=((1, 1), (2, 2))),
    layers.GlobalMaxPooling2D(),
    layers.Dense(3),
])
