import torch.nn as nn

__all__ = ["conv_bn", "Stem", "WIDTH"]

WIDTH = 24
KERNEL = 7
_SECRET = 999


def conv_bn(cin, cout, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout))


class Stem(nn.Module):
    def __init__(self, cout=WIDTH):
        super().__init__()
        self.body = conv_bn(3, cout, 5)

    def forward(self, x):
        return self.body(x)
