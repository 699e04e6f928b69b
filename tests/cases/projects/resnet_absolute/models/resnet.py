import torch.nn as nn

from blocks.residual import BasicBlock


class ResNet(nn.Module):
    def __init__(self, num_blocks=(2, 2, 2), widths=(16, 32, 64), num_classes=10):
        super().__init__()
        self.in_planes = widths[0]
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]))
        stages = []
        for i, (n, w) in enumerate(zip(num_blocks, widths)):
            stages.append(self._stage(w, n, 1 if i == 0 else 2))
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(widths[-1], num_classes)

    def _stage(self, planes, n, stride):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.stages(self.stem(x).relu())
        return self.fc(x.mean((2, 3)))


def resnet20(num_classes=10):
    return ResNet((3, 3, 3), num_classes=num_classes)
