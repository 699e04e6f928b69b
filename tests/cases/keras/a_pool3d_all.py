# 3-D pooling, max and average, and global 3-D pooling.
import keras
from keras import layers

inputs = keras.Input((8, 9, 10, 2))
x = layers.MaxPooling3D()(inputs)
x = layers.AveragePooling3D((1, 2, 2), strides=(1, 1, 2), padding="same")(x)
y = layers.GlobalMaxPooling3D()(x)
z = layers.GlobalAveragePooling3D(keepdims=True)(x)
model = keras.Model(inputs, [y, z])
