from torch import nn


class Trunk(nn.Module):
    def __init__(self, d_in, d):
        super().__init__()
        self.rnn = nn.GRU(d_in, d, num_layers=2, batch_first=True)

    def forward(self, x):
        return self.rnn(x)[0][:, -1]
