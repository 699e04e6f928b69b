import keras
from keras import layers

ids = keras.Input((12,))
x = layers.Embedding(300, 24, lora_rank=4)(ids)
model = keras.Model(ids, layers.Flatten()(x))
