# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class Mixture(nn.Module):
    def __init__(self, n=3, d=8):
        super().__init__()
        self.weights = nn.ParameterList([nn.Parameter(torch.randn(d, d)) for _ in range(n)])
        self.gate = nn.Linear(d, n)
        self.scale = nn.Parameter(torch.ones(d), requires_grad=False)


model = Mixture()
