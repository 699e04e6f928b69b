# Every PyTorch pooling module: max/avg with ceil_mode and padding, LPPool, adaptive pooling.
import torch
from torch import nn


class PoolZoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.max = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, 2, 1, True, False)
        self.lp = nn.LPPool2d(2, 2)
        self.amax = nn.AdaptiveMaxPool2d((3, 2))
        self.aavg = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(8 * 3 * 2 + 8, 5)

    def forward(self, x):
        x = self.conv(x)
        x = self.lp(self.avg(self.max(x)))
        a = torch.flatten(self.amax(x), 1)
        b = torch.flatten(self.aavg(x), 1)
        return self.head(torch.cat([a, b], dim=1))


model = PoolZoo()
input_shape = (2, 3, 37, 41)
