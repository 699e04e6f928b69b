# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# A small spatial transformer: a localisation head predicts an affine matrix, the input is resampled on its grid.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Warp(nn.Module):
    def __init__(self, channels=3, classes=5):
        super().__init__()
        self.loc = nn.Sequential(nn.Conv2d(channels, 6, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
                                 nn.Flatten(), nn.Linear(24, 6))
        self.body = nn.Conv2d(channels, 8, 3, padding=1)
        self.head = nn.Linear(8 * 10 * 12, classes)

    def forward(self, x):
        theta = self.loc(x).view(-1, 2, 3)
        grid = F.affine_grid(theta, [x.size(0), x.size(1), 10, 12], align_corners=False)
        x = F.grid_sample(x, grid, align_corners=False)
        x = F.relu(self.body(x))
        return self.head(torch.flatten(x, 1))


model = Warp()
input_shape = (2, 3, 16, 20)
