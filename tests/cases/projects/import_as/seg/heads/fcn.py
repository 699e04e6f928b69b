import torch.nn as nn


class FCNHead(nn.Module):
    def __init__(self, cin, classes):
        super().__init__()
        self.conv = nn.Conv2d(cin, cin // 2, 3, padding=1)
        self.cls = nn.Conv2d(cin // 2, classes, 1)

    def forward(self, x):
        return self.cls(self.conv(x).relu())
