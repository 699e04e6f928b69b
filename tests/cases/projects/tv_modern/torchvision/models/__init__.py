# A stand-in for torchvision.models: only two of its model files (see ../../LICENSE).
from .squeezenet import *
from .shufflenetv2 import *
