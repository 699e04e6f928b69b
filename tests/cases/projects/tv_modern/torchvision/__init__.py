# A stand-in for torchvision's package: only two of its model files (see ../LICENSE).
from torchvision import models
