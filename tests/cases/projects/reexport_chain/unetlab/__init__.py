from .models import *
from . import nn as unet_nn

__version__ = "0.1"
