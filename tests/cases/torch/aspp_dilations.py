# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn
import torch.nn.functional as F


class ASPP(nn.Module):
    def __init__(self, in_ch=32, out_ch=16, rates=(1, 6, 12)):
        super().__init__()
        self.branches = nn.ModuleList()
        for r in rates:
            k = 1 if r == 1 else 3
            self.branches.append(nn.Sequential(
                nn.Conv2d(in_ch, out_ch, k, padding=0 if r == 1 else r, dilation=r, bias=False),
                nn.BatchNorm2d(out_ch),
                nn.ReLU(inplace=True),
            ))
        self.image_pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_ch, out_ch, 1, bias=False), nn.ReLU())
        self.project = nn.Sequential(nn.Conv2d(out_ch * (len(rates) + 1), out_ch, 1, bias=False), nn.BatchNorm2d(out_ch), nn.ReLU())

    def forward(self, x):
        size = x.shape[2:]
        feats = [b(x) for b in self.branches]
        pooled = F.interpolate(self.image_pool(x), size=size, mode="bilinear", align_corners=False)
        return self.project(torch.cat(feats + [pooled], dim=1))


model = ASPP()
input_shape = (2, 32, 16, 16)
