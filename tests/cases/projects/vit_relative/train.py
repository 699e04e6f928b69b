import torch

from vitlab.configs.base import SMALL
from vitlab.models import ViT

model = ViT(**SMALL)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
