# A stand-in for torchvision's package: only its model files (see ../LICENSE).
from torchvision import models
