# nn.Conv1d(kernel_size=(1, 2)) (Graph-WaveNet): torch keeps the tuple as given, so the weight is 4-D; only the forward fails
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.filter = nn.Conv1d(32, 32, kernel_size=(1, 2), dilation=2)
        self.gate = nn.Conv1d(32, 32, (1, 2))
    def forward(self, x):
        return self.filter(x) * self.gate(x)
model = M()
