# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# A language model that subclasses nn.Transformer, keeps its encoder and puts its own Linear where the
# built-in decoder was: the rows are the built-in's inner modules, named as named_modules() names them.
import math

import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        self.register_buffer("pe", pe)


class TransformerLM(nn.Transformer):
    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers)
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        self.input_emb = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)


model = TransformerLM(100, 32, 2, 64, 2)
