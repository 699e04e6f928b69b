import torch
from torchvision.models.mobilenetv3 import mobilenet_v3_small

model = mobilenet_v3_small(num_classes=100)
