# Unflatten after a Linear, GLU gating, ChannelShuffle, PixelUnshuffle and circular padding.
from torch import nn

model = nn.Sequential(
    nn.Linear(10, 8 * 6 * 6),
    nn.Unflatten(1, (8, 6, 6)),
    nn.CircularPad2d(1),
    nn.Conv2d(8, 16, 3),
    nn.GLU(dim=1),
    nn.ChannelShuffle(2),
    nn.PixelUnshuffle(2),
    nn.Conv2d(32, 4, 1),
    nn.UpsamplingBilinear2d(scale_factor=2),
    nn.ZeroPad2d((1, 0, -1, 2)),
    nn.Flatten(),
    nn.Linear(4 * 7 * 7, 3),
    nn.Softmin(dim=1),
)
input_shape = (2, 10)
