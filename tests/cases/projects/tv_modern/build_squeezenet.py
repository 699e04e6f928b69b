import torch
from torchvision.models import squeezenet1_1

model = squeezenet1_1(num_classes=10)
