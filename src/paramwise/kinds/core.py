"""Inputs, unknown layers and models used as layers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from ..formula import Factor
from ..ir import Graph, Shape, Weight
from .base import REQUIRED, Kind


class Input(Kind):
    """An input placeholder: it fixes the shape that flows into the model and has no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:InputLayer": {}, "torch:Input": {}}
    signatures = {"keras": (("shape", REQUIRED),), "torch": (("shape", REQUIRED),)}
    n_inputs = (0, 0)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return tuple(self.shape)


class Unknown(Kind):
    """A layer paramwise does not know: its count is shown as `?` and its input shape is passed through."""

    n_inputs = (0, None)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0] if inputs else ()


class Submodel(Kind):
    """A model used as a layer: its count is the sum of its own layers' counts."""

    n_inputs = (1, None)

    @property
    def graph(self) -> Graph:
        graph: Graph = self.attrs["graph"]
        return graph

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        from ..infer import infer_outputs

        outs = infer_outputs(self.graph, inputs)  # one walk of the nested graph per outer walk
        return outs[0] if len(outs) == 1 else outs

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        from ..infer import infer

        report = infer(self.graph, input_shapes=inputs)
        return [w for row in report.rows if row.depth == 0 for w in row.weight_objects]


# -- stacks of identical layers (nn.LSTM's num_layers, nn.TransformerEncoder's layers) ----------------
STACK_LIMIT = 1024  # a stack of up to this many layers lists every layer, as torch names them (any real model)
STACK_SHOWN = 2  # past it, the first layers are listed and the rest is one group counted by multiplication


def stack_groups(layers: Any) -> list[tuple[str, int, Any]]:
    """How a stack of `layers` identical layers is listed: (label, first layer, copies). Each layer is
    `("3", 3, 1)` up to STACK_LIMIT; a longer stack (num_layers=10**12) lists its first STACK_SHOWN layers
    and then one group `("2…999999999999", 2, 999999999998)`, so its weights are never expanded one by one."""
    if isinstance(layers, int) and layers <= STACK_LIMIT:
        return [(str(i), i, 1) for i in range(layers)]
    first = STACK_SHOWN if isinstance(layers, int) else 1  # an unknown number of layers is only known to be >= 1
    shown = [(str(i), i, 1) for i in range(first)]
    return shown + [(f"{first}…{layers - 1}", first, layers - first)]


def repeated(weights: list[Weight], copies: int, prefix: str = "") -> list[Weight]:
    """`weights` standing for `copies` layers at once: a leading dimension of `copies` on each tensor."""
    lead = (Factor(copies, "copies"),) if copies != 1 else ()
    return [replace(w, name=prefix + w.name, dims=lead + w.dims) for w in weights]
