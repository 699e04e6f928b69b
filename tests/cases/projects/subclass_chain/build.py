import torch
from zoo.cnn import DeepCNN

model = DeepCNN(width=8, num_classes=3)
