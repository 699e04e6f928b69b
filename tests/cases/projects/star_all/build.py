import torch
import netkit

model = netkit.Net(classes=7)
