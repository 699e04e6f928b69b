import keras
from keras import layers

ids = keras.Input((4, 6))
x = layers.Embedding(50, 8)(ids)
x = layers.Reshape((4, 48))(x)
model = keras.Model(ids, layers.GRU(5)(x))
