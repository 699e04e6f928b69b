# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1),
    nn.GroupNorm(4, 16),
    nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1),
    nn.InstanceNorm2d(16, affine=True),
    nn.ReLU(),
    nn.Conv2d(16, 8, 1),
    nn.InstanceNorm2d(8, track_running_stats=True),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.LayerNorm(8),
    nn.Linear(8, 2),
)
input_shape = (2, 3, 10, 10)
