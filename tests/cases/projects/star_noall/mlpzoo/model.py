_PRIVATE_HIDDEN = 3

from .common import *  # noqa: E402  (no __all__: public names only, `nn` included; _PRIVATE_HIDDEN stays 3)


class Tower(nn.Module):
    def __init__(self, d_in=20, depth=3):
        super().__init__()
        self.body = make_mlp([d_in] + [HIDDEN] * depth + [_PRIVATE_HIDDEN])

    def forward(self, x):
        return self.body(x)
