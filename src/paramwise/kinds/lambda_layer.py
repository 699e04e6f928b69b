"""Lambda: a layer that runs a user function. It has no parameters; paramwise never runs the function."""

from __future__ import annotations

from ..ir import Shape
from .base import REQUIRED, Kind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Lambda(Kind):
    """A Lambda layer: wraps a function, so it has no parameters of its own.

    paramwise does not run the function: the output shape is `output_shape` when it is a tuple, else the input shape.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Lambda": {}}
    signatures = {"keras": (("function", REQUIRED), ("output_shape", None), ("mask", None), ("arguments", None))}
    n_inputs = (1, None)

    def has_shape(self) -> bool:
        shape = self.output_shape_arg
        return isinstance(shape, (list, tuple)) and all(isinstance(d, int) or d is None for d in shape)

    @property
    def output_shape_arg(self) -> Any:
        return self.attrs["output_shape"]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        if self.has_shape():
            return (inputs[0][0], *tuple(self.output_shape_arg))
        return inputs[0]

    def caveat(self) -> str:
        if self.has_shape():
            return ""
        return "the function is not run, so its output shape is taken to be its input shape"

    def note(self) -> str:
        return "weights created inside the function are not tracked by Keras either"
