from .layers import Linear, Module, block
from . import layers as L


class Net(Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = L.Sequential(block(3, 16), block(16, 32), L.AdaptiveAvgPool2d(1), L.Flatten())
        self.fc = Linear(32, classes)

    def forward(self, x):
        return self.fc(self.features(x))
