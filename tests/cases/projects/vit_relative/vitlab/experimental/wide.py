import torch.nn as nn

from ..models.vit import ViT


def wide_vit():
    return ViT(embed_dim=96, num_classes=CLASSES)  # CLASSES is never defined: an unknown size
