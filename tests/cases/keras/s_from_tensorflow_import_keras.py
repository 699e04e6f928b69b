from tensorflow import keras

model = keras.models.Sequential()
model.add(keras.layers.Conv1D(8, 5, input_shape=(100, 3)))
model.add(keras.layers.GlobalAveragePooling1D())
model.add(keras.layers.Dense(2))
