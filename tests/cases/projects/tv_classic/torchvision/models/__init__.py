# A stand-in for torchvision.models: only three of its model files (see ../../LICENSE).
from .resnet import *
from .mobilenetv2 import *
from .mobilenetv3 import *
