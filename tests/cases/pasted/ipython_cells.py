from tensorflow.keras import layers, models

model = models.Sequential()
model.add(layers.Conv2D(4, 3, input_shape=(16, 16, 1)))
model.add(layers.Flatten())
model.add(layers.Dense(2))
