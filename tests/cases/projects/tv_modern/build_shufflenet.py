import torch
from torchvision.models._api import get_model

model = get_model("shufflenet_v2_x0_5", num_classes=10)
