# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import math

import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    def __init__(self, in_features, out_features, r=4, alpha=8):
        super().__init__()
        self.base = nn.Linear(in_features, out_features)
        self.base.weight.requires_grad = False
        self.base.bias.requires_grad = False
        self.lora_A = nn.Parameter(torch.zeros(r, in_features))
        self.lora_B = nn.Parameter(torch.zeros(out_features, r))
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scaling


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = LoRALinear(32, 32)
        self.v = LoRALinear(32, 32)
        self.out = nn.Linear(32, 8)

    def forward(self, x):
        return self.out(self.q(x) + self.v(x))


model = Model()
input_shape = (2, 5, 32)
