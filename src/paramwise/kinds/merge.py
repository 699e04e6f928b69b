"""Merge layers: combine several tensors into one. No parameters."""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, Factor, prod
from ..ir import Shape
from .base import REQUIRED, Kind, shape_text
from .values import describe, integer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


def broadcast(shapes: list[Shape]) -> Shape:
    """keras.ops broadcasting of several shapes (`x + y` in code): see `broadcast_op`."""
    out: Shape = shapes[0]
    for shape in shapes[1:]:
        out = broadcast_op(out, shape, shapes)
    return out


def merge_shape(shapes: list[Shape]) -> Shape:
    """Keras' merge-layer rule: the batch axis, then the other axes broadcast from the right (None stays unknown)."""
    out: tuple[Any, ...] = tuple(shapes[0][1:])
    for shape in shapes[1:]:
        out = pair(out, tuple(shape[1:]), shapes)
    batches = {s[0] for s in shapes if s} - {None}
    return (batches.pop() if len(batches) == 1 else None, *out)


def pair(a: tuple[Any, ...], b: tuple[Any, ...], shapes: list[Shape]) -> tuple[Any, ...]:
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise KindError(
                f"needs inputs of the same shape; got {', '.join(shape_text(s) for s in shapes)}",
                hint="make the shapes match, e.g. with a Dense or Conv layer of matching width",
            )
        else:
            out.append(i)
    return tuple(out)


class ElementwiseMerge(Kind):
    """An element-wise merge (add, subtract, multiply, average, maximum, minimum): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        f"keras:{n}": {} for n in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
    }
    signatures = {"keras": ()}
    n_inputs = (1, None)
    takes_list = True

    def check(self, inputs: list[Shape]) -> None:
        if self.type_name == "Subtract" and len(inputs) != 2:
            raise KindError(f"needs exactly 2 inputs; got {len(inputs)}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return merge_shape(inputs)


class Broadcast(Kind):
    """An element-wise tensor operation written in code (`x + y`, `keras.ops.multiply`): no parameters.

    Keras ops broadcast more loosely than merge layers: an unknown size against a known one gives the known one.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:BroadcastOp": {}}
    signatures = {"keras": ()}
    n_inputs = (1, None)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return broadcast(inputs)


def broadcast_op(a: Shape, b: Shape, shapes: list[Shape]) -> Shape:
    """keras.ops' `broadcast_shapes`: numpy rules, where None meets a size it takes that size."""
    rank = max(len(a), len(b))
    a, b = (1,) * (rank - len(a)) + tuple(a), (1,) * (rank - len(b)) + tuple(b)
    out: list[Any] = []
    for i, j in zip(a, b):
        if i == 1:
            out.append(j)
        elif i is None:
            out.append(None if j == 1 else j)
        elif j == 1 or j is None or i == j:
            out.append(i)
        else:
            raise KindError(
                f"cannot broadcast {', '.join(shape_text(s) for s in shapes)}",
                hint="make the sizes equal, or 1 where one tensor should be repeated",
            )
    return tuple(out)


class Concatenate(Kind):
    """Concatenate: joins tensors along one axis (the last by default). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Concatenate": {}}
    signatures = {"keras": (("axis", -1),)}
    n_inputs = (1, None)
    takes_list = True

    axis: int

    def setup(self) -> None:
        if not integer(self.attrs["axis"]):  # Keras takes one axis here (its own `axis % rank` fails on others)
            raise BadValue("axis", "an axis (a whole number)", self.attrs["axis"], describe(self.attrs["axis"]))

    def output_shape(self, inputs: list[Shape]) -> Shape:
        rank = len(inputs[0])
        if any(len(s) != rank for s in inputs):
            raise KindError(f"needs inputs of the same rank; got {', '.join(shape_text(s) for s in inputs)}")
        axis = self.axis % rank
        out = list(inputs[0])
        for i in range(rank):
            if i == axis:
                sizes = [s[i] for s in inputs]
                out[i] = None if None in sizes else sum(sizes)
            elif len({s[i] for s in inputs if s[i] is not None}) > 1:
                raise KindError(
                    f"needs the same size on every axis except axis {self.axis}; got {', '.join(shape_text(s) for s in inputs)}"
                )
        return tuple(out)


class Dot(Kind):
    """Dot: the dot product of two tensors along the given axes. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Dot": {}}
    signatures = {"keras": (("axes", REQUIRED), ("normalize", False))}
    n_inputs = (2, 2)

    axes: int | tuple[int, ...] | list[int]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        a, b = inputs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        ax, bx = axes[0] % len(a), axes[1] % len(b)
        if a[ax] is not None and b[bx] is not None and a[ax] != b[bx]:
            raise KindError(f"needs equal sizes on the dot axes; got {a[ax]} and {b[bx]}")
        rest = [d for i, d in enumerate(a) if i != ax] + [d for i, d in enumerate(b) if i not in (0, bx)]
        return tuple(rest) if len(rest) > 1 else (rest[0], 1)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """(output size)·(the size of the dot axis): a batched matrix product."""
        a = inputs[0]
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        n: Dim = 1
        for d in output if not isinstance(output, list) else ():
            n = n * d
        return prod(Factor(n, "out"), Factor(a[axes[0] % len(a)], "d"))


# functional spellings in keras.layers: layers.add([a, b]) makes an Add layer and calls it
MERGE_FUNCTIONS = {
    "add": "Add", "subtract": "Subtract", "multiply": "Multiply", "average": "Average", "maximum": "Maximum",
    "minimum": "Minimum", "concatenate": "Concatenate", "dot": "Dot",
}
