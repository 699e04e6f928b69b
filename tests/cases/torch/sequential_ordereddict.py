# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
from collections import OrderedDict

import torch.nn as nn

model = nn.Sequential(OrderedDict([
    ("conv1", nn.Conv2d(1, 20, 5)),
    ("relu1", nn.ReLU()),
    ("conv2", nn.Conv2d(20, 64, 5)),
    ("relu2", nn.ReLU()),
    ("flatten", nn.Flatten()),
    ("fc", nn.Linear(64 * 20 * 20, 10)),
]))
input_shape = (1, 1, 28, 28)
