# A CNN with global pooling: the image size IMG (never defined here) does not change the count.
import keras

model = keras.Sequential([
    keras.Input((IMG, IMG, 3)),
    keras.layers.Conv2D(F, 3, padding="same"),
    keras.layers.Conv2D(2 * F, 3, strides=2),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10),
])
