# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class LazyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.LazyConv2d(8, 3)
        self.flat = nn.Flatten()
        self.fc = nn.LazyLinear(10)

    def forward(self, x):
        return self.fc(self.flat(torch.relu(self.conv(x))))


model = LazyNet()
model(torch.zeros(1, 3, 8, 8))  # lazy modules get their weights on the first call
input_shape = (1, 3, 8, 8)
needs_input_shape = True
