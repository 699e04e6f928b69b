import torch.nn as nn

from .attention import FlashAttention  # this file is not in the package


class Net(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.attn = FlashAttention(d)
        self.out = nn.Linear(d, 2)


model = Net()
