# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Sequential()
widths = [16, 32, 32, 8]
for i, (a, b) in enumerate(zip(widths, widths[1:])):
    model.add_module(f"fc{i}", nn.Linear(a, b))
    if i < len(widths) - 2:
        model.add_module(f"act{i}", nn.Tanh())
model.append(nn.Softmax(dim=-1))
input_shape = (4, 16)
