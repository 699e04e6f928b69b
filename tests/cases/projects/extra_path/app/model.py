import torch
import torch.nn as nn

from sharedlib.norms import ConvGN


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = ConvGN(3, 16)
        self.b = ConvGN(16, 32, groups=8)


model = Net()
