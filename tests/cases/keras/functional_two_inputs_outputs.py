from tensorflow import keras
from tensorflow.keras import layers

img = keras.Input(shape=(28, 28, 1), name="image")
meta = keras.Input(shape=(5,), name="meta")
x = layers.Conv2D(8, 3, strides=2, padding="same")(img)
x = layers.Flatten()(x)
y = layers.Dense(8)(meta)
z = layers.concatenate([x, y])
out1 = layers.Dense(10, name="digit")(z)
out2 = layers.Dense(1, name="score")(z)
model = keras.Model(inputs=[img, meta], outputs=[out1, out2])
