import torch
from torchvision.models import resnet as R

model = R.resnext50_32x4d()
