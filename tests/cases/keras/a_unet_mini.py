# A tiny U-Net: Conv2D, MaxPooling2D, UpSampling2D, Concatenate skip connections.
import keras
from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu")(x)


inputs = keras.Input((32, 32, 1))
c1 = conv_block(inputs, 8)
p1 = layers.MaxPooling2D()(c1)
c2 = conv_block(p1, 16)
p2 = layers.MaxPooling2D()(c2)
b = conv_block(p2, 32)
u2 = layers.UpSampling2D()(b)
u2 = layers.Concatenate()([u2, c2])
c3 = conv_block(u2, 16)
u1 = layers.Conv2DTranspose(8, 2, strides=2)(c3)
u1 = layers.concatenate([u1, c1])
c4 = conv_block(u1, 8)
outputs = layers.Conv2D(1, 1, activation="sigmoid")(c4)
model = keras.Model(inputs, outputs)
