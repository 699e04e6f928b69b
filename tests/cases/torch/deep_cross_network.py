# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class CrossLayer(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w = nn.Parameter(torch.randn(d, 1))
        self.b = nn.Parameter(torch.zeros(d))

    def forward(self, x0, x):
        return x0 * (x @ self.w) + self.b + x


class DCN(nn.Module):
    def __init__(self, d=12, n_cross=3, hidden=(24, 24)):
        super().__init__()
        self.cross = nn.ModuleList([CrossLayer(d) for _ in range(n_cross)])
        dims = [d, *hidden]
        self.deep = nn.Sequential(*[nn.Sequential(nn.Linear(a, b), nn.ReLU()) for a, b in zip(dims, dims[1:])])
        self.out = nn.Linear(d + hidden[-1], 1)

    def forward(self, x):
        xc = x
        for layer in self.cross:
            xc = layer(x, xc)
        return self.out(torch.cat([xc, self.deep(x)], dim=-1))


model = DCN()
input_shape = (5, 12)
