import torch.nn as nn


class BaseModel(nn.Module):
    """Every model has a classifier over `features` channels."""

    def __init__(self, features, num_classes=10):
        super().__init__()
        self.features_dim = features
        self.classifier = nn.Linear(features, num_classes)
        self.build_backbone()

    def build_backbone(self):
        raise NotImplementedError
