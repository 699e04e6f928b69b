from .attention import Attention
from .mlp import Mlp
from .patch import PatchEmbed

__all__ = ["Attention", "Mlp", "PatchEmbed"]
