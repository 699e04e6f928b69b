import torch
from mlpzoo.model import Tower

model = Tower(d_in=12)
