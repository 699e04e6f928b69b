# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class Fusion(nn.Module):
    def __init__(self):
        super().__init__()
        self.text = nn.Linear(20, 16)
        self.image = nn.Linear(30, 12)
        self.bilinear = nn.Bilinear(16, 12, 8)
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        t, i = x[:, :20], x[:, 20:]
        return self.out(torch.relu(self.bilinear(self.text(t), self.image(i))))


model = Fusion()
input_shape = (3, 50)
