import keras
from keras import layers

base = keras.Sequential([layers.Conv2D(8, 3, input_shape=(12, 12, 3)), layers.GlobalAveragePooling2D()], name="backbone")
base.trainable = False
inputs = keras.Input((12, 12, 3))
x = base(inputs)
x = layers.Dense(4, trainable=False)(x)
head = layers.Dense(2)
outputs = head(x)
model = keras.Model(inputs, outputs)
