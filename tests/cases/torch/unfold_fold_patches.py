# Patches as columns: Unfold lays each window out as a column (a T2T/PiT-style token step), Fold puts them back.
from torch import nn

model = nn.Sequential(
    nn.Conv2d(3, 4, 3),
    nn.Unfold(kernel_size=2, stride=2),
    nn.Fold(output_size=(12, 12), kernel_size=2, stride=2),
    nn.Unfold((3, 2), dilation=(1, 2), padding=1, stride=(2, 1)),
)
input_shape = (2, 3, 14, 14)
