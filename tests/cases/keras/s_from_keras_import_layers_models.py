from keras import layers, models

model = models.Sequential(
    [
        layers.Dense(64, activation="relu", input_shape=(784,)),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ]
)
