import torch.nn as nn

from . import encoder


class Decoder(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.fc = nn.Linear(encoder.LATENT, d)

    def forward(self, x):
        return self.fc(x)
