import torch.nn as nn

KERNEL = 3
_SECRET = 1

from .ops import *  # noqa: E402  (ops' KERNEL and _SECRET are not in its __all__: these stay 3 and 1)


class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = Stem()
        self.block = conv_bn(WIDTH, WIDTH * 2, KERNEL)
        self.head = nn.Linear(WIDTH * 2, classes + _SECRET)

    def forward(self, x):
        return self.head(self.block(self.stem(x)).mean((2, 3)))
