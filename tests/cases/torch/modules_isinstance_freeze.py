# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv1d(4, 8, 3), nn.BatchNorm1d(8), nn.ReLU(), nn.Conv1d(8, 8, 3), nn.BatchNorm1d(8))
        self.out = nn.Linear(8, 2)
        for m in self.modules():
            if isinstance(m, nn.BatchNorm1d):
                for p in m.parameters():
                    p.requires_grad = False
            elif isinstance(m, nn.Conv1d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")

    def forward(self, x):
        x = self.body(x).mean(dim=2)
        return self.out(x)


model = Net()
input_shape = (2, 4, 16)
