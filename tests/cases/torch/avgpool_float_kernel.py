# nn.AvgPool2d(7.0): torch makes the module (its constructor stores kernel_size unchecked) and only the forward rejects the float
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.pool = nn.AvgPool2d(7.0)
    def forward(self, x):
        return self.pool(self.conv(x))
model = Net()
