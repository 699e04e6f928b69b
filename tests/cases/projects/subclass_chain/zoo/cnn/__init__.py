from .simple import SimpleCNN, DeepCNN
