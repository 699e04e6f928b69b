# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class Stack(nn.Module):
    def __init__(self, n=3, d=10):
        super().__init__()
        self.blocks = nn.ModuleList()
        for _ in range(n):
            self.blocks.append(nn.Linear(d, d))
        self.blocks.extend([nn.LayerNorm(d), nn.Linear(d, 2)])

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return x


model = Stack()
input_shape = (6, 10)
