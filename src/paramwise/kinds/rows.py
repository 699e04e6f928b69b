"""Inputs, unknown layers and models used as layers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from ..errors import KindError
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
    """A model used as a layer: its count is the sum of its own layers' counts. It holds the graph only;
    `infer` walks it (once per walk and input shapes), so a kind never calls the walker."""

    n_inputs = (1, None)

    @property
    def graph(self) -> Graph:
        graph: Graph = self.attrs["graph"]
        return graph

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        raise KindError("is a model: `infer` walks its graph")  # infer walks nested graphs itself

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        raise KindError("is a model: `infer` walks its graph")


# -- stacks of identical layers (nn.LSTM's num_layers, nn.TransformerEncoder's layers) ----------------
STACK_LIMIT = 1024  # a stack of up to this many layers lists every layer, as torch names them (any real model)
STACK_SHOWN = 2  # past it, the first layers are listed and the rest is one group counted by multiplication


def stack_groups(layers: int) -> list[tuple[str, int, int]]:
    """How a stack of `layers` identical layers is listed: (label, first layer, copies). Each layer is
    `("3", 3, 1)` up to STACK_LIMIT; a longer stack (num_layers=10**12) lists its first STACK_SHOWN layers
    and then one group `("2…999999999999", 2, 999999999998)`, so its weights are never expanded one by one."""
    if layers <= STACK_LIMIT:
        return [(str(i), i, 1) for i in range(layers)]
    shown = [(str(i), i, 1) for i in range(STACK_SHOWN)]
    return shown + [(f"{STACK_SHOWN}…{layers - 1}", STACK_SHOWN, layers - STACK_SHOWN)]


def repeated(weights: list[Weight], copies: int, prefix: str = "") -> list[Weight]:
    """`weights` standing for `copies` layers at once: a leading dimension of `copies` on each tensor."""
    lead = (Factor(copies, "copies"),) if copies != 1 else ()
    return [replace(w, name=prefix + w.name, dims=lead + w.dims) for w in weights]
