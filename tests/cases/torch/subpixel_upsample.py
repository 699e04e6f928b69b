# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class ESPCN(nn.Module):
    def __init__(self, upscale=3, channels=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 32, 5, padding=2),
            nn.Tanh(),
            nn.Conv2d(32, 16, 3, padding=1),
            nn.Tanh(),
            nn.Conv2d(16, channels * upscale ** 2, 3, padding=1),
        )
        self.shuffle = nn.PixelShuffle(upscale)

    def forward(self, x):
        return self.shuffle(self.body(x))


model = ESPCN()
input_shape = (1, 1, 12, 12)
