import torch
from shop.net import Net

model = Net(classes=5)
