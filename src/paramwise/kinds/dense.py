"""Fully connected layers."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr
from ..ir import Shape, Weight
from .base import (
    INPUT,
    REQUIRED,
    Kind,
    Saved,
    Spelled,
    expect_min_rank,
    factor,
    last_dim,
    matmul_macs,
    rows_of,
    weight_plus_bias,
)
from .conv import KERAS_KERNEL_OPTIONS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Dense(Kind):
    """A fully connected layer: every output unit has one weight per input feature, plus one bias.

    Keras applies Dense to the last axis of any input: (batch, ..., d_in) -> (batch, ..., units).
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Dense": {}, "torch:Linear": {}}
    signatures = {
        "keras": (("units", REQUIRED), ("activation", None), ("use_bias", True), *KERAS_KERNEL_OPTIONS,
                  ("lora_rank", None), ("lora_alpha", None), ("quantization_config", None)),
        "torch": (("in_features", REQUIRED), ("out_features", REQUIRED), ("bias", True), ("device", None), ("dtype", None)),
    }

    units: Dim
    d_in: Dim  # PyTorch only (in_features)
    use_bias: bool
    in_features: Dim
    out_features: Dim
    bias: bool

    def setup(self) -> None:
        if self.framework == "torch":
            self.attrs.update(units=self.out_features, d_in=self.in_features, use_bias=bool(self.bias))

    def check(self, inputs: list[Shape]) -> None:
        expect_min_rank(inputs, 2, hint="give the model an input shape with a feature axis, e.g. (None, 784)")
        d_in = self.attrs.get("d_in")
        if d_in is not None and isinstance(inputs[0][-1], int) and inputs[0][-1] != d_in:
            raise KindError(f"expects {d_in} input features; got {inputs[0][-1]}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return inputs[0][:-1] + (self.units,)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        units = factor(self.units, "units")
        if self.framework == "torch":
            kernel = Weight("weight", (units, factor(self.d_in, "d_in")))
            return [kernel] + ([Weight("bias", (units,))] if self.use_bias else [])
        d_in = factor(last_dim(inputs, "the feature axis"), "d_in")
        rank = self.attrs.get("lora_rank")
        kernel = Weight("kernel", (d_in, units), trainable=not rank)
        out = [kernel] + ([Weight("bias", (units,))] if self.use_bias else [])
        if rank:  # Keras LoRA: the kernel is frozen and two low-rank factors are learned
            r = factor(rank, "rank")
            out += [Weight("lora_kernel_a", (d_in, r)), Weight("lora_kernel_b", (r, units))]
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        if len(weights) > 2 or (weights and weights[-1].name.startswith("lora")):
            return None  # with LoRA factors: the plain sum of the weights
        return weight_plus_bias(weights[0], weights[1] if len(weights) > 1 else None)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """N·d_in·units: each of the N = batch·... input vectors times the kernel (LoRA: two more products)."""
        return matmul_macs(rows_of(inputs[0]), self.weights(inputs))

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """The input (for the weight's gradient); in PyTorch, where this is measured."""
        return INPUT if self.framework == "torch" else None

    def translated(self, shape: Shape) -> Spelled | None:
        if self.framework == "keras":
            return "Linear", [], {"in_features": shape[-1], "out_features": self.units, "bias": self.use_bias}
        return "Dense", [self.units], {"use_bias": self.use_bias}
