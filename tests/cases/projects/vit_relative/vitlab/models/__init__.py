from .vit import ViT, Block
