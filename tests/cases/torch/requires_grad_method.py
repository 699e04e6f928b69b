# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class FineTune(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3), nn.ReLU())
        self.features.requires_grad_(False)
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.head = nn.Linear(32, 4)

    def forward(self, x):
        return self.head(self.pool(self.features(x)).flatten(1))


model = FineTune()
model.head.bias.requires_grad = False
input_shape = (2, 3, 12, 12)
