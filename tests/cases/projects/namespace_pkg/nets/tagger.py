from torch import nn

from nets.heads.classifier import Classifier
from nets.trunks.gru import Trunk


class Tagger(nn.Module):
    def __init__(self, d_in=10, d=32, n=4):
        super().__init__()
        self.trunk = Trunk(d_in, d)
        self.head = Classifier(d, n)

    def forward(self, x):
        return self.head(self.trunk(x))
