import torch
from late.registry import create

model = create("wide", d=12, width=100)
