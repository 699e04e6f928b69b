from torchvision.models import mobilenet_v2
import torch

model = mobilenet_v2(width_mult=0.5)
