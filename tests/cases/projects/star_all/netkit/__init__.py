from .ops import *
from .net import Net
