import torch.nn as nn

from . import decoder

LATENT = 16


class Encoder(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.fc = nn.Linear(d, LATENT)

    def forward(self, x):
        return self.fc(x)


def autoencoder(d=32):
    return nn.Sequential(Encoder(d), decoder.Decoder(d))
