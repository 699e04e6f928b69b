# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(10, 20),
    nn.ReLU(),
    nn.Linear(20, 20),
    nn.ReLU(),
    nn.Linear(20, 3),
)
for name, param in model.named_parameters():
    if not name.startswith("4."):
        param.requires_grad = False
input_shape = (5, 10)
