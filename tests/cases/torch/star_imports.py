# `from torch.nn import *`: Linear, Sequential, ReLU and Module are torch.nn's
import torch
from torch.nn import *


class Net(Module):
    def __init__(self):
        super().__init__()
        self.body = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
        self.norm = LayerNorm(2)

    def forward(self, x):
        return self.norm(self.body(x))


model = Net()
input_shape = (3, 4)
