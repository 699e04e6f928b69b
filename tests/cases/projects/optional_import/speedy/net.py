import torch.nn as nn

try:
    from .fused_norm import FusedRMSNorm as RMSNorm  # a compiled extension, not in this checkout
except ImportError:
    from .plain_norm import RMSNorm

try:
    import speedy.kernels as kernels  # absent as well
    HAS_KERNELS = True
except ModuleNotFoundError:
    HAS_KERNELS = False


class Net(nn.Module):
    def __init__(self, d=32, depth=3):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(depth)])
        self.norms = nn.ModuleList([RMSNorm(d) for _ in range(depth)])
        self.extra = nn.Linear(d, d) if not HAS_KERNELS else nn.Identity()
