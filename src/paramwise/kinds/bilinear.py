"""PyTorch's Bilinear layer: y = x1ᵀ·A·x2 + b."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, factor, matmul_macs, rows_of, shape_text, signature, weight_plus_bias

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Bilinear(Kind):
    """A bilinear layer: each output unit has one weight for every pair of features of its two inputs
    (in1·in2), plus one bias. (..., in1) and (..., in2) -> (..., out)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Bilinear": {}}
    signatures = {
        "torch": signature(
            "in1_features in2_features out_features bias device dtype",
            in1_features=REQUIRED, in2_features=REQUIRED, out_features=REQUIRED, bias=True,
        ),
    }
    n_inputs = (2, 2)

    in1_features: Dim
    in2_features: Dim
    out_features: Dim
    bias: bool

    def check(self, inputs: list[Shape]) -> None:
        for shape, want, which in zip(inputs, (self.in1_features, self.in2_features), ("first", "second")):
            if not shape or (isinstance(shape[-1], int) and shape[-1] != want):
                raise KindError(f"expects {want} features in its {which} input; got {shape_text(shape)}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return (*inputs[0][:-1], self.out_features)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        out = factor(self.out_features, "out")
        kernel = Weight("weight", (out, factor(self.in1_features, "in1"), factor(self.in2_features, "in2")))
        return [kernel] + ([Weight("bias", (out,))] if self.bias else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        return weight_plus_bias(weights[0], weights[1] if len(weights) > 1 else None)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """N·out·in1·in2: the first input times the weight (N·in1 · out·in2), then summed against the second."""
        return matmul_macs(rows_of(inputs[0]), self.weights(inputs))
