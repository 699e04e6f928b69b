# `from keras.models import *` then `from keras.layers import *` (zhixuhao/unet): each name is what the module
# exports: Model from keras.models (keras.layers has none), concatenate and the layers from keras.layers
from keras.models import *
from keras.layers import *


def unet(input_size=(32, 32, 1)):
    inputs = Input(input_size)
    c1 = Conv2D(8, 3, activation="relu", padding="same")(inputs)
    p1 = MaxPooling2D(pool_size=(2, 2))(c1)
    c2 = Conv2D(16, 3, activation="relu", padding="same")(p1)
    up = Conv2D(8, 2, padding="same")(UpSampling2D(size=(2, 2))(c2))
    merged = concatenate([c1, up], axis=3)
    out = Conv2D(1, 1, activation="sigmoid")(add([merged, merged]))
    return Model(inputs=inputs, outputs=out)


model = unet()
