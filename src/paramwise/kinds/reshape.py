"""Layers that only move values around: Flatten, Reshape, Permute, RepeatVector, Unflatten. No parameters."""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, simplify
from ..ir import Shape
from .base import REQUIRED, Kind, Saved, expect_rank, shape_text
from .values import describe, integer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


def product(dims: tuple[Any, ...]) -> Any:
    if any(d is None for d in dims):
        return None
    n: Any = 1
    for d in dims:
        n = n * d
    return simplify(n)


def resolve(source: tuple[Any, ...], target: tuple[Any, ...], what: str) -> tuple[Any, ...]:
    """`target` with its one -1 replaced by what the size of `source` leaves over (None when unknown)."""
    if list(target).count(-1) > 1:
        raise KindError(f"{what} may have only one -1; got {target}")
    total, known = product(source), product(tuple(d for d in target if d != -1))
    if total is None or not isinstance(total, int) or not isinstance(known, int):
        return tuple(None if d == -1 else d for d in target)
    if -1 not in target:
        if total != known:
            raise KindError(f"cannot reshape {total} values into {target} ({known} values)", hint="the sizes must multiply to the same total")
        return target
    if known == 0 or total % known:
        raise KindError(f"cannot reshape {total} values into {target}", hint=f"{total} is not a multiple of {known}")
    return tuple(total // known if d == -1 else d for d in target)


class Flatten(Kind):
    """Flatten: joins every axis but the batch into one: (batch, h, w, c) -> (batch, h·w·c). No parameters."""

    flattens = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Flatten": {}, "torch:Flatten": {}}
    signatures = {"keras": (("data_format", None),), "torch": (("start_dim", 1), ("end_dim", -1))}

    start_dim: int
    end_dim: int

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """Nothing: a view of its input."""
        return []

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if self.framework == "torch":
            if not shape:
                return (1,)
            start, end = self.start_dim % len(shape), self.end_dim % len(shape)
            return shape[:start] + (product(shape[start : end + 1]),) + shape[end + 1 :]
        if len(shape) == 1:
            return (shape[0], 1)
        return (shape[0], product(shape[1:]))


class Unflatten(Kind):
    """Unflatten: splits one axis into several, e.g. (batch, 784) -> (batch, 1, 28, 28). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Unflatten": {}}
    signatures = {"torch": (("dim", REQUIRED), ("unflattened_size", REQUIRED))}

    dim: int

    def setup(self) -> None:
        if not integer(self.attrs["dim"]):  # torch's forward refuses any other (dim=None is a TypeError)
            raise BadValue("dim", "an axis (a whole number)", self.attrs["dim"], describe(self.attrs["dim"]))
    unflattened_size: tuple[Dim, ...] | list[Dim]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if not -len(shape) <= self.dim < len(shape):
            raise KindError(f"dim {self.dim} is out of range for an input of shape {shape_text(shape)}")
        dim = self.dim % len(shape)
        sizes = resolve((shape[dim],), tuple(self.unflattened_size), "unflattened_size")
        return shape[:dim] + sizes + shape[dim + 1 :]


class Reshape(Kind):
    """Reshape: the same values in a new shape (one size may be -1: whatever is left). No parameters."""

    flattens = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Reshape": {}}
    signatures = {"keras": (("target_shape", REQUIRED),)}

    target_shape: tuple[Dim, ...] | list[Dim]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        target = tuple(self.target_shape) if isinstance(self.target_shape, (list, tuple)) else (self.target_shape,)
        return (shape[0], *resolve(tuple(shape[1:]), target, "target_shape"))


class Permute(Kind):
    """Permute: reorders the axes after the batch; dims counts from 1, e.g. Permute((2, 1)). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Permute": {}}
    signatures = {"keras": (("dims", REQUIRED),)}

    dims: tuple[int, ...] | list[int]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        dims = tuple(self.dims)
        if sorted(dims) != list(range(1, len(shape))):
            raise KindError(
                f"dims must be a permutation of 1..{len(shape) - 1} for an input of shape {shape_text(shape)}; got {dims}",
                hint="axis 0 is the batch and is never moved; count the other axes from 1",
            )
        return (shape[0], *(shape[d] for d in dims))


class RepeatVector(Kind):
    """RepeatVector: repeats a vector n times: (batch, d) -> (batch, n, d). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:RepeatVector": {}}
    signatures = {"keras": (("n", REQUIRED),)}

    n: Dim

    def check(self, inputs: list[Shape]) -> None:
        expect_rank(inputs, 2, "(batch, d)", hint="flatten the input first, e.g. with Flatten()")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        batch, d = inputs[0]
        return (batch, self.n, d)
