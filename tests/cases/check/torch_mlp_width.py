# A PyTorch MLP of width H on 28x28 inputs.
import torch.nn as nn

H = 64

model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, H), nn.ReLU(), nn.Linear(H, 10))
