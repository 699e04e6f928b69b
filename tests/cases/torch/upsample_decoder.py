# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(16, 32 * 4 * 4),
    nn.Unflatten(1, (32, 4, 4)),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(32, 16, 3, padding=1),
    nn.ReLU(),
    nn.Upsample(size=(16, 16), mode="bilinear", align_corners=False),
    nn.Conv2d(16, 3, 3, padding=1),
    nn.Sigmoid(),
)
input_shape = (2, 16)
