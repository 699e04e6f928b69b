# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class MultiTask(nn.Module):
    def __init__(self, tasks={"age": 1, "gender": 2, "emotion": 7}, d=64):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(128, d), nn.ReLU(), nn.Linear(d, d), nn.ReLU())
        self.heads = nn.ModuleDict()
        for name, n in tasks.items():
            self.heads[name] = nn.Linear(d, n)

    def forward(self, x):
        h = self.trunk(x)
        return {name: head(h) for name, head in self.heads.items()}


model = MultiTask()
input_shape = (3, 128)
