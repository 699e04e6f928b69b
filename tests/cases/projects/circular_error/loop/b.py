import torch.nn as nn

from .a import WIDTH


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(WIDTH, 1)
