import keras
from keras import layers

x = keras.Input((10, 3))
seq, state = layers.SimpleRNN(6, return_sequences=True, return_state=True)(x)
out = layers.SimpleRNN(5, activation="relu")(seq, initial_state=[state[:, :5]])
model = keras.Model(x, [seq, state, out])
