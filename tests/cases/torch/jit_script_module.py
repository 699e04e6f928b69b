# torch.jit.ScriptModule as the base class, @jit.script_method and torch.jit.script(module): an nn.Module, as torch scripts it
import torch
from torch import jit, nn


class M(jit.ScriptModule):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 10)
        self.act = torch.jit.script(nn.ReLU())

    @jit.script_method
    def forward(self, x):
        return self.act(self.fc(x))


model = M()
