# A MobileNet-like block built from a function: depthwise, pointwise, ReLU(6), ZeroPadding2D.
import keras
from keras import layers


def dw_block(x, filters, stride):
    if stride == 2:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)))(x)
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False)(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(filters, 1, use_bias=False)(x)
    return layers.ReLU(max_value=6.0)(x)


inputs = keras.Input((32, 32, 3))
x = layers.Conv2D(16, 3, strides=2, padding="same")(inputs)
for filters, stride in [(32, 1), (64, 2), (64, 1)]:
    x = dw_block(x, filters, stride)
x = layers.GlobalAveragePooling2D(keepdims=True)(x)
x = layers.Dropout(0.2)(x)
x = layers.Conv2D(10, 1)(x)
x = layers.Reshape((10,))(x)
outputs = layers.Activation("softmax")(x)
model = keras.Model(inputs, outputs)
