# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class Recurrent(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(12, 12)
        self.steps = nn.ModuleList([self.cell, self.cell, self.cell])
        self.out = nn.Linear(12, 3)

    def forward(self, x):
        for step in self.steps:
            x = torch.tanh(step(x))
        return self.out(x)


model = Recurrent()
input_shape = (2, 12)
