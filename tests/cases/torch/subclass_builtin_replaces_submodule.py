# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# Subclasses of built-in modules that put their own module where the built-in had one: torch drops the old one.
import torch.nn as nn


class BiasFreeAttention(nn.MultiheadAttention):
    def __init__(self, dim, heads):
        super().__init__(dim, heads, batch_first=True)
        self.out_proj = nn.Linear(dim, dim // 2, bias=False)


class Block(nn.Module):
    def __init__(self, dim=16, heads=4):
        super().__init__()
        self.attn = BiasFreeAttention(dim, heads)
        self.head = nn.Linear(dim // 2, 3)


model = Block()
