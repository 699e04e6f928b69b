"""Layers that Keras Applications define for their own models (ConvNeXt, InceptionResNetV2)."""

from __future__ import annotations

from ..formula import Dim, Expr
from ..ir import Shape, Weight
from .base import REQUIRED, ZERO, Kind, factor
from .merge import broadcast

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class LayerScale(Kind):
    """ConvNeXt's layer scale: one learned factor per channel, multiplied into the block's output.

    (batch, ..., c) -> (batch, ..., c), with c = projection_dim.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:LayerScale": {}}
    signatures = {"keras": (("init_values", REQUIRED), ("projection_dim", REQUIRED))}

    projection_dim: Dim

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: one multiplication per value, elementwise."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return [Weight("gamma", (factor(self.projection_dim, "c"),))]


class CustomScaleLayer(Kind):
    """InceptionResNetV2's residual scaling, `x + r·scale`: a fixed number, no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:CustomScaleLayer": {}}
    signatures = {"keras": (("scale", REQUIRED),)}
    n_inputs = (1, 2)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return broadcast(inputs)
