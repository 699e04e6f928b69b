from torch.nn import *  # every public name of torch.nn, re-exported below


def block(cin, cout):
    return Sequential(Conv2d(cin, cout, 3, padding=1, bias=False), BatchNorm2d(cout), ReLU())
