# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class GRUNet(nn.Module):
    def __init__(self, input_dim=6, hidden_dim=20, output_dim=1, n_layers=2, drop_prob=0.2):
        super(GRUNet, self).__init__()
        self.gru = nn.GRU(input_dim, hidden_dim, n_layers, batch_first=True, dropout=drop_prob)
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.relu = nn.ReLU()

    def forward(self, x):
        out, h = self.gru(x)
        return self.fc(self.relu(out[:, -1]))


model = GRUNet()
input_shape = (4, 12, 6)
