# Conv2DTranspose: valid padding with strides larger than the kernel, output_padding, channels_first.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((5, 6, 3)),
    layers.Conv2DTranspose(4, 2, strides=3),
    layers.Conv2DTranspose(4, (3, 2), strides=(2, 2), output_padding=(1, 0)),
    layers.Conv2DTranspose(6, 3, strides=2, padding="same", output_padding=1),
    layers.Conv2DTranspose(2, 3, dilation_rate=2, use_bias=False),
])
