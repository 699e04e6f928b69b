# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class SiameseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 8))
        self.sim = nn.CosineSimilarity(dim=1)
        self.dist = nn.PairwiseDistance()

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        ea, eb = self.embed(a), self.embed(b)
        return self.sim(ea, eb) + self.dist(ea, eb)


model = SiameseNet()
input_shape = (4, 60)
