# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn
import torch.nn.functional as F


class DenseLayer(nn.Module):
    def __init__(self, in_ch, growth, bn_size=2):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_ch)
        self.conv1 = nn.Conv2d(in_ch, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        out = self.conv1(F.relu(self.norm1(x)))
        out = self.conv2(F.relu(self.norm2(out)))
        return torch.cat([x, out], 1)


class DenseBlock(nn.Module):
    def __init__(self, n_layers, in_ch, growth):
        super().__init__()
        for i in range(n_layers):
            self.add_module("denselayer%d" % (i + 1), DenseLayer(in_ch + i * growth, growth))

    def forward(self, x):
        for name, layer in self.named_children():
            x = layer(x)
        return x


class Transition(nn.Sequential):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(in_ch))
        self.add_module("relu", nn.ReLU(inplace=True))
        self.add_module("conv", nn.Conv2d(in_ch, out_ch, kernel_size=1, stride=1, bias=False))
        self.add_module("pool", nn.AvgPool2d(kernel_size=2, stride=2))


class TinyDenseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.block1 = DenseBlock(3, 16, 8)
        self.trans1 = Transition(16 + 3 * 8, 20)
        self.block2 = DenseBlock(2, 20, 8)
        self.norm5 = nn.BatchNorm2d(36)
        self.classifier = nn.Linear(36, 10)

    def forward(self, x):
        x = self.block2(self.trans1(self.block1(self.conv0(x))))
        x = F.relu(self.norm5(x))
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


model = TinyDenseNet()
input_shape = (1, 3, 16, 16)
