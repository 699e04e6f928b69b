# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
from torch import nn


class AutoEncoder(nn.Module):
    def __init__(self, in_dim=784, code=16):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(in_dim, 128), nn.ReLU(True), nn.Linear(128, 64), nn.ReLU(True), nn.Linear(64, code))
        self.decoder = nn.Sequential(nn.Linear(code, 64), nn.ReLU(True), nn.Linear(64, 128), nn.ReLU(True), nn.Linear(128, in_dim), nn.Sigmoid())

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.decoder(self.encoder(x)).view(-1, 1, 28, 28)


model = AutoEncoder()
input_shape = (4, 1, 28, 28)
