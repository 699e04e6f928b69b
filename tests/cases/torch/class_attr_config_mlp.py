# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class Config:
    hidden = [64, 64, 32]
    dropout = 0.1
    n_in = 13
    n_out = 1

    @classmethod
    def layers(cls):
        out = []
        sizes = [cls.n_in] + cls.hidden
        for a, b in zip(sizes, sizes[1:]):
            out += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU(), nn.Dropout(cls.dropout)]
        return out + [nn.Linear(sizes[-1], cls.n_out)]


class Regressor(nn.Module):
    def __init__(self, cfg=Config):
        super().__init__()
        self.net = nn.Sequential(*cfg.layers())

    def forward(self, x):
        return self.net(x).squeeze(-1)


model = Regressor()
input_shape = (6, 13)
