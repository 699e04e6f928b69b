# torch.arange's start, end and step by keyword (LeViT's arange(0, n, step=2); a DDPM U-Net's step=2 positions)
import torch, torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        a = torch.arange(0, 8, step=2)
        b = torch.arange(start=1, end=7)
        c = torch.arange(1, 10, step=3)
        d = torch.arange(end=5)
        e = torch.arange(2, 9, 2)
        self.register_buffer("a", a)
        self.register_buffer("b", b)
        self.register_buffer("c", c)
        self.register_buffer("d", d)
        self.register_buffer("e", e)
        self.emb = nn.Embedding(int(a[-1]) + int(c[-1]) + len(b) + len(d), 2)
model = M()
