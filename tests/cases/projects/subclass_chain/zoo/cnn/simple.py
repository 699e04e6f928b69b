import torch.nn as nn

from ..base import BaseModel


class SimpleCNN(BaseModel):
    depth = 2

    def __init__(self, width=16, num_classes=10):
        self.width = width
        super().__init__(width * 2 ** (self.depth - 1), num_classes)

    def build_backbone(self):
        layers, cin = [], 1
        for i in range(self.depth):
            cout = self.width * 2 ** i
            layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]
            cin = cout
        self.backbone = nn.Sequential(*layers)


class DeepCNN(SimpleCNN):
    depth = 4
