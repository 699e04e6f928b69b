# Conv3DTranspose (note data_format comes before output_padding in its signature).
import keras
from keras import layers

inputs = keras.Input((4, 5, 6, 2))
x = layers.Conv3DTranspose(4, 3, strides=2, padding="same")(inputs)
x = layers.Conv3DTranspose(3, (2, 3, 1), strides=(1, 2, 2), output_padding=(0, 1, 1))(x)
x = layers.Conv3DTranspose(2, 2, use_bias=False)(x)
model = keras.Model(inputs, x)
