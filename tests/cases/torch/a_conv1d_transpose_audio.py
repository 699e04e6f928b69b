# A 1-D encoder/decoder for audio: strided Conv1d down, ConvTranspose1d up with output_padding, pads and pools.
from torch import nn

model = nn.Sequential(
    nn.ConstantPad1d((2, 1), 0.0),
    nn.Conv1d(1, 16, 7, stride=2),
    nn.ELU(),
    nn.MaxPool1d(2, ceil_mode=True),
    nn.Conv1d(16, 32, 5, stride=2, padding=2, groups=4),
    nn.ConvTranspose1d(32, 16, 5, stride=2, padding=2, output_padding=1),
    nn.AvgPool1d(3, 1, 1),
    nn.ConvTranspose1d(16, 8, 4, stride=4, groups=8, bias=False),
    nn.ReplicationPad1d(3),
    nn.AdaptiveAvgPool1d(50),
    nn.LPPool1d(2, 5),
)
input_shape = (2, 1, 100)
