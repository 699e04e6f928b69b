# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class CNNLSTM(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.lstm = nn.LSTM(16, 32, batch_first=True)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        b, t, c, h, w = x.shape
        feats = self.cnn(x.view(b * t, c, h, w)).view(b, t, -1)
        out, (h_n, c_n) = self.lstm(feats)
        return self.fc(h_n[-1])


model = CNNLSTM()
input_shape = (2, 5, 3, 16, 16)
