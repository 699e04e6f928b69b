# A convolution followed by BatchNormalization: Keras counts the moving mean and variance as parameters.
import keras

model = keras.Sequential([
    keras.Input((32, 32, 3)),
    keras.layers.Conv2D(16, 3, use_bias=False),
    keras.layers.BatchNormalization(),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10),
])
