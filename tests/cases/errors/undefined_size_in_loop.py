import keras
from keras import layers

model = keras.Sequential([keras.Input((4,))])
for _ in range(n_layers):
    model.add(layers.Dense(8))
