# state_dict() holds the parameters and the buffers, built-in ones too (BatchNorm's running stats): init loops over it
# and sizes taken from it are read as torch gives them
import torch.nn as nn
from torch.nn import init
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 2)
        for key in self.state_dict():
            if key.split('.')[-1] == 'weight':
                if 'conv' in key:
                    init.kaiming_normal_(self.state_dict()[key], mode='fan_out')
                if 'bn' in key:
                    self.state_dict()[key][...] = 1
            elif key.split('.')[-1] == 'bias':
                self.state_dict()[key][...] = 0
        self.extra = nn.Linear(len(self.state_dict()), 2)
model = M()
extra_buffers = [n for n, _ in model.named_buffers()]
model.head = nn.Linear(len(list(model.buffers())), 2)
