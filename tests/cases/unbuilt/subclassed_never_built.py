# A subclassed model that the file defines and instantiates but never calls or builds.
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten


class SmallNet(Model):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv2D(32, 3, activation="relu")
        self.flatten = Flatten()
        self.d1 = Dense(128, activation="relu")
        self.d2 = Dense(10, activation="softmax")

    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


model = SmallNet()
