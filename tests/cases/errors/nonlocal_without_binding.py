# Python refuses a nonlocal that names no enclosing function's variable (SyntaxError when compiled)
import torch.nn as nn


def make():
    nonlocal width
    width = 4
    return nn.Linear(width, 2)


model = make()
