import torch.nn as nn

from ....utils.helpers import conv_bn_act, make_divisible
from ... import vision  # the package itself


class MobileNetV1(nn.Module):
    def __init__(self, width=0.5, num_classes=10):
        super().__init__()
        cfg = [(64, 1), (128, 2), (128, 1), (256, 2)]
        c = make_divisible(32 * width)
        layers = [conv_bn_act(3, c, s=2)]
        for out, s in cfg:
            out = make_divisible(out * width)
            layers += [conv_bn_act(c, c, s=s, groups=c), conv_bn_act(c, out, k=1)]
            c = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, num_classes)
