# Images laid out channels-first (3, 32, 32) given to a channels-last Conv2D: read as 32 channels.
import keras

model = keras.Sequential([
    keras.Input((3, 32, 32)),
    keras.layers.Conv2D(8, 3),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10),
])
