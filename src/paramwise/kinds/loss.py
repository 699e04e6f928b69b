"""Losses and distances held as modules (self.criterion = nn.CrossEntropyLoss()): no parameters."""

from __future__ import annotations

from typing import Any, ClassVar

from ..ir import Shape
from .base import Kind

LOSSES = ("L1Loss", "MSELoss", "CrossEntropyLoss", "CTCLoss", "NLLLoss", "PoissonNLLLoss", "GaussianNLLLoss",
          "KLDivLoss", "BCELoss", "BCEWithLogitsLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
          "MultiLabelMarginLoss", "HuberLoss", "SmoothL1Loss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
          "CosineEmbeddingLoss", "MultiMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss")


class Loss(Kind):
    """A loss function held as a module (self.criterion = nn.CrossEntropyLoss()): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:{name}": {} for name in LOSSES}
    signatures = {"torch": tuple((f"arg{i}", None) for i in range(4))}
    n_inputs = (1, None)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return ()


class Distance(Kind):
    """A distance between two inputs along one axis (nn.CosineSimilarity, nn.PairwiseDistance): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:CosineSimilarity": {"dim_first": True},
                                                      "torch:PairwiseDistance": {"dim_first": False}}
    # CosineSimilarity(dim=1, eps), PairwiseDistance(p=2.0, eps, keepdim)
    signatures = {"torch": (("arg0", None), ("eps", 1e-8), ("keepdim", False), ("dim", None), ("p", 2.0))}
    n_inputs = (2, 2)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        dim = self.dim if self.dim is not None else self.arg0 if self.dim_first and self.arg0 is not None else None
        axis = (dim if dim is not None else 1 if self.dim_first else -1) % len(shape)
        return shape[:axis] + ((1,) if self.keepdim else ()) + shape[axis + 1:]
