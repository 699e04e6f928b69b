"""Losses and distances held as modules (self.criterion = nn.CrossEntropyLoss()): no parameters."""

from __future__ import annotations

from ..ir import Shape
from .base import Kind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

LOSSES = ("L1Loss", "MSELoss", "CrossEntropyLoss", "CTCLoss", "NLLLoss", "PoissonNLLLoss", "GaussianNLLLoss",
          "KLDivLoss", "NLLLoss2d", "BCELoss", "BCEWithLogitsLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
          "MultiLabelMarginLoss", "HuberLoss", "SmoothL1Loss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
          "CosineEmbeddingLoss", "MultiMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss")


class Loss(Kind):
    """A loss function held as a module (self.criterion = nn.CrossEntropyLoss()): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:{name}": {} for name in LOSSES}
    # no signature of its own: each loss binds its arguments as torch's constructor takes them (framework_signatures)
    n_inputs = (1, None)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return ()


class Distance(Kind):
    """A distance between two inputs along one axis (nn.CosineSimilarity, nn.PairwiseDistance): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:CosineSimilarity": {"dim_first": True},
                                                      "torch:PairwiseDistance": {"dim_first": False}}
    signatures = {"torch:CosineSimilarity": (("dim", 1), ("eps", 1e-8)),
                  "torch:PairwiseDistance": (("p", 2.0), ("eps", 1e-6), ("keepdim", False))}
    n_inputs = (2, 2)

    dim: int
    dim_first: bool

    def output_shape(self, inputs: list[Shape]) -> Shape:
        """CosineSimilarity reduces `dim`; PairwiseDistance the last axis (kept as 1 with keepdim)."""
        shape = inputs[0]
        axis = (self.dim if self.dim_first else -1) % len(shape)
        return shape[:axis] + ((1,) if self.attrs.get("keepdim") else ()) + shape[axis + 1:]
