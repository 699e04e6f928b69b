from torch import nn


class Classifier(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fc = nn.Linear(d, n)

    def forward(self, x):
        return self.fc(self.norm(x))
