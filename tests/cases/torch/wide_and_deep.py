# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class WideDeep(nn.Module):
    def __init__(self, wide_dim=20, cat_sizes=(10, 7, 30), emb_dim=4, hidden=(32, 16)):
        super().__init__()
        self.wide = nn.Linear(wide_dim, 1)
        self.embeds = nn.ModuleList([nn.Embedding(n, emb_dim) for n in cat_sizes])
        dims = [emb_dim * len(cat_sizes)] + list(hidden)
        self.deep = nn.Sequential(*[m for a, b in zip(dims, dims[1:]) for m in (nn.Linear(a, b), nn.ReLU())])
        self.deep_out = nn.Linear(hidden[-1], 1)


model = WideDeep()
