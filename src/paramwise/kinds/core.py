"""Inputs, unknown layers and models used as layers."""

from __future__ import annotations

from typing import Any, ClassVar

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
