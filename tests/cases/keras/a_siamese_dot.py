# A Siamese encoder shared by two inputs, compared with a normalized Dot.
import keras
from keras import layers

encoder = keras.Sequential([
    keras.Input((20,)),
    layers.Dense(16, activation="relu"),
    layers.Dropout(0.1),
    layers.Dense(8),
], name="encoder")
left = keras.Input((20,))
right = keras.Input((20,))
sim = layers.Dot(axes=1, normalize=True)([encoder(left), encoder(right)])
out = layers.Dense(1, activation="sigmoid")(sim)
model = keras.Model([left, right], out)
