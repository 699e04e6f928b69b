# A DCGAN-style generator: ConvTranspose2d upsampling, PReLU per channel, PixelShuffle and padding.
from torch import nn


class Generator(nn.Module):
    def __init__(self, z=16, c=3):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(z, 64, 4, 1, 0, bias=False),
            nn.PReLU(64),
            nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False),
            nn.ReLU(True),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.ReflectionPad2d(1),
            nn.Conv2d(32, 4 * c, 3),
            nn.PixelShuffle(2),
            nn.Tanh(),
        )

    def forward(self, x):
        return self.net(x)


model = Generator()
input_shape = (2, 16, 1, 1)
