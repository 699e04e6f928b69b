import keras
from keras import layers


class Net(keras.Model):
    def __init__(self, n_classes=10, width=64):
        super().__init__()
        self.conv = layers.Conv2D(16, 3, activation="relu")
        self.pool = layers.MaxPooling2D()
        self.flat = layers.Flatten()
        self.hidden = [layers.Dense(width, activation="relu") for _ in range(2)]
        self.out = layers.Dense(n_classes)

    def call(self, x):
        x = self.pool(self.conv(x))
        x = self.flat(x)
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)


model = Net(n_classes=5)
model(keras.Input((16, 16, 3)))
