# 1-D pooling: max and average, strides, same padding, global pooling with keepdims.
import keras
from keras import layers

inputs = keras.Input((31, 4))
a = layers.MaxPooling1D()(inputs)
b = layers.MaxPooling1D(3, strides=2, padding="same")(inputs)
c = layers.AveragePooling1D(4, strides=1)(inputs)
d = layers.AveragePooling1D(pool_size=2, padding="same")(inputs)
ga = layers.GlobalMaxPooling1D()(a)
gb = layers.GlobalAveragePooling1D(keepdims=True)(b)
gc = layers.GlobalAveragePooling1D()(c)
gd = layers.GlobalMaxPooling1D(keepdims=True)(d)
out = layers.Concatenate()([ga, layers.Flatten()(gb), gc, layers.Flatten()(gd)])
model = keras.Model(inputs, out)
