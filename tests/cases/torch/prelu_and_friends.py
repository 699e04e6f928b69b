# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(12, 24),
    nn.PReLU(),
    nn.Linear(24, 24),
    nn.PReLU(num_parameters=24),
    nn.Linear(24, 6),
    nn.LogSoftmax(dim=1),
)
input_shape = (3, 12)
