# Layers with explicit names, and a Sequential used as a layer inside a functional model.
import keras
from keras import layers

stem = keras.Sequential([
    layers.Conv2D(8, 3, strides=2, padding="same", name="stem_conv"),
    layers.DepthwiseConv2D(3, padding="same", name="stem_dw"),
    layers.ReLU(name="stem_relu"),
], name="stem")
inputs = keras.Input((32, 32, 3), name="image")
x = stem(inputs)
x = layers.SeparableConv2D(16, 3, padding="same", name="sep")(x)
x = layers.GlobalMaxPooling2D(name="gmp")(x)
outputs = layers.Dense(4, name="head")(x)
model = keras.Model(inputs, outputs, name="named")
