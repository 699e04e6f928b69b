import torch
from broken.net import Net
model = Net(d=8)
