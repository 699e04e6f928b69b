import torch
from speedy.net import Net

model = Net(d=20)
