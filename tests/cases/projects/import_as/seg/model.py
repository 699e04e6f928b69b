import torch.nn as nn

import seg.backbones.tiny as tiny
from seg.heads import fcn


class Segmenter(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.backbone = tiny.TinyBackbone()
        self.head = fcn.FCNHead(self.backbone.out_channels, classes)

    def forward(self, x):
        return self.head(self.backbone(x))
