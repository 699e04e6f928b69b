# A small 3-D U-Net: Conv3d, MaxPool3d, ConvTranspose3d, ZeroPad3d and skip concatenation.
import torch
from torch import nn


def block(c_in, c_out):
    return nn.Sequential(nn.Conv3d(c_in, c_out, 3, padding=1), nn.PReLU(), nn.Conv3d(c_out, c_out, 3, padding=1))


class UNet3D(nn.Module):
    def __init__(self, c=1, base=4):
        super().__init__()
        self.down = block(c, base)
        self.pool = nn.MaxPool3d(2)
        self.mid = block(base, base * 2)
        self.up = nn.ConvTranspose3d(base * 2, base, 2, stride=2)
        self.pad = nn.ZeroPad3d((0, 1, 0, 1, 0, 1))
        self.out = nn.Sequential(block(base * 2, base), nn.Conv3d(base, 2, 1), nn.Dropout3d(0.1))

    def forward(self, x):
        d = self.down(x)
        u = self.pad(self.up(self.mid(self.pool(d))))
        return self.out(torch.cat([u, d], dim=1))


model = UNet3D()
input_shape = (1, 1, 9, 9, 9)
