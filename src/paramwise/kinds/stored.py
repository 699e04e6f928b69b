"""A layer known only by the tensors a file stores for it (custom layers, Lambda): no formula, just sizes."""

from __future__ import annotations

import re
from typing import Any

from ..formula import Factor
from ..ir import Shape, Weight
from .base import Kind
from .merge import broadcast


class StoredWeights(Kind):
    """A layer paramwise cannot explain: its count comes from the tensors stored in the file.

    The output shape is not known, so the input shape is passed on unchanged.
    """

    n_inputs = (0, None)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0] if inputs else ()

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        tensors: tuple[tuple[str, tuple[int, ...]], ...] = self.attrs["stored"]
        trainable: bool = self.attrs.get("trainable", True)
        return [Weight(name, tuple(Factor(d, str(d)) for d in shape), trainable) for name, shape in tensors]

    @staticmethod
    def of(type_name: str, stored: Any, trainable: bool = True) -> StoredWeights:
        return StoredWeights("keras", type_name, {"stored": tuple(stored), "trainable": trainable})


# functions that act value by value (with broadcasting): their output shape is the inputs' broadcast shape
ELEMENTWISE_OPS = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "maximum", "minimum", "power", "mod",
    "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "gelu", "silu", "swish", "elu", "selu", "softplus",
    "softmax", "exp", "log", "sqrt", "abs", "square", "negative", "clip", "cast", "erf", "hard_swish",
    "__operators__.add", "__operators__.sub", "__operators__.mul", "__operators__.truediv",
})


class Operation(Kind):
    """A function applied inside a functional model (`x + 3`, `keras.ops.multiply`): no parameters.

    Element-wise functions give the broadcast shape of their tensor inputs; for any other the output
    shape is not known here and the first input's shape is passed on.
    """

    n_inputs = (0, None)

    @property
    def is_elementwise(self) -> bool:
        name = str(self.attrs.get("function") or self.type_name)
        return snake(name) in ELEMENTWISE_OPS or name.split(".")[-1] in ELEMENTWISE_OPS

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        if not inputs:
            return ()
        if self.is_elementwise and len(inputs) > 1:
            return broadcast(inputs)
        return inputs[0]

    def caveat(self) -> str:
        return "" if self.is_elementwise else "the output shape of this function is not known; its input shape is passed on"


def snake(name: str) -> str:
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", name).lower()
