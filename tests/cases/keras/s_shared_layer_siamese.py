import keras
from keras import layers

left = keras.Input(shape=(28, 28, 1))
right = keras.Input(shape=(28, 28, 1))
conv = layers.Conv2D(8, 3, activation="relu")
pool = layers.GlobalMaxPooling2D()
embed = layers.Dense(16)
left_vec = embed(pool(conv(left)))
right_vec = embed(pool(conv(right)))
distance = layers.subtract([left_vec, right_vec])
model = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(distance))
