# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class Configurable(nn.Module):
    def __init__(self, act="lrelu"):
        super().__init__()
        self.choices = nn.ModuleDict({"conv": nn.Conv2d(3, 6, 3), "pool": nn.MaxPool2d(2)})
        self.activations = nn.ModuleDict([["lrelu", nn.LeakyReLU()], ["prelu", nn.PReLU()]])
        self.act = act

    def forward(self, x):
        x = self.choices["conv"](x)
        x = self.choices["pool"](x)
        return self.activations[self.act](x)


model = Configurable()
input_shape = (1, 3, 10, 10)
