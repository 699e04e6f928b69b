# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


def conv_block(in_f, out_f, *args, **kwargs):
    return nn.Sequential(
        nn.Conv2d(in_f, out_f, *args, **kwargs),
        nn.BatchNorm2d(out_f),
        nn.ReLU(),
    )


def dec_block(in_f, out_f):
    return nn.Sequential(nn.Linear(in_f, out_f), nn.Sigmoid())


class MyEncoder(nn.Module):
    def __init__(self, enc_sizes, *args, **kwargs):
        super().__init__()
        conv_blocks = [conv_block(in_f, out_f, *args, **kwargs) for in_f, out_f in zip(enc_sizes, enc_sizes[1:])]
        self.conv_blocks = nn.Sequential(*conv_blocks)

    def forward(self, x):
        return self.conv_blocks(x)


class MyClassifier(nn.Module):
    def __init__(self, in_c, n_classes):
        super().__init__()
        self.enc_sizes = [in_c, 32, 64]
        self.dec_sizes = [64 * 28 * 28, 1024, 512]
        self.encoder = MyEncoder(self.enc_sizes, kernel_size=3, padding=1)
        dec_blocks = [dec_block(in_f, out_f) for in_f, out_f in zip(self.dec_sizes, self.dec_sizes[1:])]
        self.decoder = nn.Sequential(*dec_blocks)
        self.last = nn.Linear(self.dec_sizes[-1], n_classes)

    def forward(self, x):
        x = self.encoder(x)
        x = x.flatten(1)
        x = self.decoder(x)
        return self.last(x)


model = MyClassifier(1, 10)
input_shape = (1, 1, 28, 28)
