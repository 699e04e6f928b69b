from torch import nn

HIDDEN = 48
_PRIVATE_HIDDEN = 5


def make_mlp(sizes, act=nn.ReLU):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), act()]
    return nn.Sequential(*layers[:-1])
