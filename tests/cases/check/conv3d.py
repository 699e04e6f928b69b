# A 3-D convolution (video or volume): the kernel window is k_d x k_h x k_w over every input channel.
import keras

model = keras.Sequential([
    keras.Input((8, 16, 16, 2)),
    keras.layers.Conv3D(6, (3, 4, 4)),
    keras.layers.GlobalAveragePooling3D(),
    keras.layers.Dense(5),
])
