"""Layers that only move values around: Flatten, Reshape ... No parameters."""

from __future__ import annotations

from typing import Any, ClassVar

from ..formula import simplify
from ..ir import Shape
from .base import Kind


def product(dims: tuple[Any, ...]) -> Any:
    if any(d is None for d in dims):
        return None
    n: Any = 1
    for d in dims:
        n = n * d
    return simplify(n)


class Flatten(Kind):
    """Flatten: joins every axis but the batch into one: (batch, h, w, c) -> (batch, h·w·c). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Flatten": {}, "torch:Flatten": {}}
    signatures = {"keras": (("data_format", None),), "torch": (("start_dim", 1), ("end_dim", -1))}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if self.framework == "torch":
            start, end = self.start_dim % len(shape), self.end_dim % len(shape)
            return shape[:start] + (product(shape[start : end + 1]),) + shape[end + 1 :]
        if len(shape) == 1:
            return (shape[0], 1)
        return (shape[0], product(shape[1:]))
