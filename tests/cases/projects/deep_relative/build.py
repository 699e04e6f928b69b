import torch
from proj.models.vision.backbones.mbv1 import MobileNetV1

model = MobileNetV1(width=0.75)
