import torch.nn as nn


class ConvGN(nn.Sequential):
    def __init__(self, cin, cout, groups=4):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(groups, cout))
