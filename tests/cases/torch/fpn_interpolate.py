# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn
import torch.nn.functional as F


class FPN(nn.Module):
    def __init__(self, chans=(8, 16, 32), out=16):
        super().__init__()
        self.c1 = nn.Conv2d(3, chans[0], 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(chans[0], chans[1], 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(chans[1], chans[2], 3, stride=2, padding=1)
        self.lateral = nn.ModuleList([nn.Conv2d(c, out, 1) for c in chans])
        self.smooth = nn.ModuleList([nn.Conv2d(out, out, 3, padding=1) for _ in chans])

    def forward(self, x):
        f1 = self.c1(x)
        f2 = self.c2(f1)
        f3 = self.c3(f2)
        p3 = self.lateral[2](f3)
        p2 = self.lateral[1](f2) + F.interpolate(p3, scale_factor=2, mode="nearest")
        p1 = self.lateral[0](f1) + F.interpolate(p2, size=f1.shape[-2:], mode="nearest")
        return [s(p) for s, p in zip(self.smooth, [p1, p2, p3])]


model = FPN()
input_shape = (1, 3, 32, 32)
