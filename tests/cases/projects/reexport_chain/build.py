import torch
import unetlab

model = unetlab.UNet(classes=3, base=12)
