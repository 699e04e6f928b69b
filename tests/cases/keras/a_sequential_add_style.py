# Sequential built with .add, input_shape on the first layer, mixed families.
from keras.layers import (
    AveragePooling2D,
    Conv2D,
    Dense,
    DepthwiseConv2D,
    Flatten,
    SeparableConv2D,
    ZeroPadding2D,
)
from keras.models import Sequential

model = Sequential()
model.add(ZeroPadding2D(padding=1, input_shape=(24, 24, 3)))
model.add(Conv2D(16, (3, 3), strides=(2, 2)))
model.add(DepthwiseConv2D((3, 3), padding="same", depth_multiplier=2))
model.add(SeparableConv2D(24, (3, 3), padding="same"))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
