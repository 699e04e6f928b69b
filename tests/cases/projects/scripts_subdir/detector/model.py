import torch.nn as nn

from detector.heads import YoloHead


def conv(cin, cout, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, s, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1))


class TinyYolo(nn.Module):
    def __init__(self, classes=80, widths=(16, 32, 64)):
        super().__init__()
        layers, cin = [], 3
        for w in widths:
            layers.append(conv(cin, w, 2))
            cin = w
        self.backbone = nn.Sequential(*layers)
        self.head = YoloHead(cin, classes)

    def forward(self, x):
        return self.head(self.backbone(x))
