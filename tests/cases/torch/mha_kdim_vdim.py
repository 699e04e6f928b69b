# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class CrossAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(16, 32)
        self.attn = nn.MultiheadAttention(32, 4, kdim=24, vdim=20, batch_first=True)
        self.extra = nn.MultiheadAttention(32, 2, bias=False, add_bias_kv=True)


model = CrossAttention()
