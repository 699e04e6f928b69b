import torch.nn as nn

CHANNELS = (8, 16, 32)


class TinyBackbone(nn.Module):
    def __init__(self, channels=CHANNELS):
        super().__init__()
        layers, cin = [], 3
        for c in channels:
            layers += [nn.Conv2d(cin, c, 3, stride=2, padding=1), nn.ReLU()]
            cin = c
        self.body = nn.Sequential(*layers)
        self.out_channels = cin

    def forward(self, x):
        return self.body(x)
