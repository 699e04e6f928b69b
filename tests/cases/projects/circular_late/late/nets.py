import torch.nn as nn

from .registry import register


@register("small")
class Small(nn.Module):
    def __init__(self, d=8):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return self.fc(x)


@register("wide")
class Wide(nn.Module):
    def __init__(self, d=8, width=64):
        super().__init__()
        self.fc1 = nn.Linear(d, width)
        self.fc2 = nn.Linear(width, d)

    def forward(self, x):
        return self.fc2(self.fc1(x))
