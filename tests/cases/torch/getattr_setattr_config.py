# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# The recurrent layer is picked by name with getattr(nn, ...); the config object is filled with setattr.
import torch.nn as nn


class Settings:
    dropout = 0.2

    def __init__(self, cell, **overrides):
        self.cell = cell
        for key, value in overrides.items():
            setattr(self, key, value)


class Tagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab, cfg.width)
        self.rnn = getattr(nn, cfg.cell.upper())(cfg.width, cfg.hidden, num_layers=2, dropout=cfg.dropout,
                                                  batch_first=True)
        self.head = nn.Linear(cfg.hidden, getattr(cfg, "tags", 5))

    def forward(self, tokens):
        out, _ = self.rnn(self.embed(tokens))
        return self.head(out)


model = Tagger(Settings("lstm", vocab=120, width=24, hidden=40, tags=9))
