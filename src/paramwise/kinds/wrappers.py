"""Layers that wrap other layers: Keras Bidirectional, TimeDistributed and RNN(cell).

A wrapped layer arrives as a Kind, an `ir.Layer`, or an object with `to_layer() -> Layer` (how the
Keras source reader passes its layer objects); its weights are counted here, under its name.
"""

from __future__ import annotations

from ..errors import KindError
from ..formula import Expr, Factor, add, const, prod
from ..frozen import replace
from ..ir import Layer, Shape, Weight
from .base import REQUIRED, Kind, Spelled, expect_min_rank, matmul_macs, shape_text, signature
from .recurrent_cells import RecurrentCell

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def unwrap(value: Any, what: str) -> tuple[Kind, str, bool]:
    """(kind, name, trainable) of a layer given as an argument."""
    if isinstance(value, Kind):
        return value, str(value.attrs.get("name") or value.kind_name.lower()), True
    to_layer = getattr(value, "to_layer", None)
    layer = value if isinstance(value, Layer) else to_layer() if callable(to_layer) else None
    if isinstance(layer, Layer):
        return layer.kind, layer.name, layer.trainable
    raise KindError(f"{what} must be a layer object; got {value!r}", hint="pass a layer, e.g. Bidirectional(LSTM(64))")


def prefixed(weights: list[Weight], prefix: str, trainable: bool) -> list[Weight]:
    return [replace(w, name=prefix + w.name, trainable=w.trainable and trainable) for w in weights]


def unprefixed(weights: list[Weight], prefix: str) -> list[Weight]:
    return [replace(w, name=w.name[len(prefix):]) if w.name.startswith(prefix) else w for w in weights]


def is_sequence_layer(kind: Kind) -> bool:
    return "return_sequences" in kind.attrs and "return_state" in kind.attrs


class Bidirectional(Kind):
    """A bidirectional wrapper: a copy of the recurrent layer reads the sequence forwards and another
    backwards, so it has twice the layer's weights; the two outputs are merged (concat by default)."""

    weights_in_sublayers = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Bidirectional": {}}
    signatures = {"keras": signature("layer merge_mode weights backward_layer", layer=REQUIRED, merge_mode="concat")}
    n_inputs = (1, None)

    layer: Any  # as given: a Kind, a Layer or an object with to_layer()
    backward_layer: Any
    merge_mode: str | None
    sides: list[tuple[Kind, str, bool]]  # (kind, weight-name prefix, trainable)
    return_sequences: bool
    return_state: bool

    def setup(self) -> None:
        forward, name, trainable = unwrap(self.layer, "Bidirectional's layer")
        if not is_sequence_layer(forward):
            raise KindError(
                f"wraps a recurrent layer (LSTM, GRU, SimpleRNN, RNN, ConvLSTM); got {forward.kind_name}",
                hint="e.g. Bidirectional(LSTM(64))",
            )
        if self.merge_mode not in MERGE_MODES:
            raise KindError(f"merge_mode must be one of concat, sum, mul, ave or None; got {self.merge_mode!r}")
        base = name.removeprefix("forward_")
        sides = [(forward, f"forward_{base}/", trainable)]
        if self.backward_layer is not None:
            backward, back_name, back_trainable = unwrap(self.backward_layer, "backward_layer")
            sides.append((backward, f"{back_name}/", back_trainable))
        else:
            sides.append((forward, f"backward_{base.removeprefix('backward_')}/", trainable))
        self.attrs.update(sides=sides, return_state=forward.attrs["return_state"], return_sequences=forward.attrs["return_sequences"])

    def check(self, inputs: list[Shape]) -> None:
        for kind, _, _ in self.sides:
            kind.check(inputs[:1])

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        outs = self.sides[0][0].output_shape(inputs[:1])
        out, states = (outs[0], list(outs[1:])) if isinstance(outs, list) else (outs, [])
        merged: list[Shape]
        if self.merge_mode == "concat":
            last = out[-1]
            merged = [(*out[:-1], None if last is None else 2 * last)]
        elif self.merge_mode is None:
            merged = [out, out]
        else:
            merged = [out]
        result = merged + states + states
        return result if len(result) > 1 else result[0]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        out: list[Weight] = []
        for kind, prefix, trainable in self.sides:
            out += prefixed(kind.weights(inputs[:1] if inputs else None), prefix, trainable)
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        if self.backward_layer is not None:
            return None
        forward, prefix, _ = self.sides[0]
        inner = forward.formula(unprefixed([w for w in weights if w.name.startswith(prefix)], prefix))
        return prod(const(2), inner) if inner is not None else None

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """The forward layer's plus the backward layer's, each on the whole sequence."""
        terms = []
        for kind, _, _ in self.sides:
            found = kind.macs(inputs[:1], kind.output_shape(inputs[:1]))
            if found is None:
                return None
            terms.append(found)
        return add(*terms)

    def note(self) -> str:
        return "Keras wraps the layer in Bidirectional (forward_/backward_ copies); PyTorch sets bidirectional=True (weights named ..._reverse)"

    def translated(self, shape: Shape) -> Spelled | None:
        found = self.sides[0][0].translated(shape)  # the forward layer, spelled bidirectional
        if found is None:
            return None
        name, args, kw = found
        return name, args, {**kw, "bidirectional": True}


class TimeDistributed(Kind):
    """A time-distributed wrapper: applies the same layer (one set of weights) to every time step:
    (batch, time, ...) -> (batch, time, ...layer output)."""

    weights_in_sublayers = True
    applies_models = True  # TimeDistributed(model): read as the model walked on each step (kinds.rows.Submodel)

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:TimeDistributed": {}}
    signatures = {"keras": signature("layer", layer=REQUIRED)}

    wraps_weights = True
    layer: Any  # as given
    inner: Kind
    prefix: str
    inner_trainable: bool

    def weights_owner(self) -> Kind:
        """The wrapped layer's: Keras' TimeDistributed(d) holds d itself, so d used again shares its weights."""
        inner: Kind = self.inner
        return inner.weights_owner()

    def setup(self) -> None:
        inner, name, trainable = unwrap(self.layer, "TimeDistributed's layer")
        self.attrs.update(inner=inner, prefix=f"{name}/", inner_trainable=trainable)

    @staticmethod
    def step_shape(shape: Shape) -> Shape:
        return (shape[0], *shape[2:])

    def check(self, inputs: list[Shape]) -> None:
        expect_min_rank(inputs, 3, hint="TimeDistributed needs (batch, time, ...): add a time axis")
        self.inner.check([self.step_shape(inputs[0])])

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        batch, steps = inputs[0][0], inputs[0][1]
        out = self.inner.output_shape([self.step_shape(inputs[0])])
        if isinstance(out, list):
            return [(batch, steps, *o[1:]) for o in out]
        return (batch, steps, *out[1:])

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        steps = [self.step_shape(inputs[0])] if inputs else None
        return prefixed(self.inner.weights(steps), self.prefix, self.inner_trainable)

    def formula(self, weights: list[Weight]) -> Expr | None:
        inner: Kind = self.inner
        return inner.formula(unprefixed(weights, self.prefix))

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """The layer's on one step with batch·time examples: (batch, time, ...) is (batch·time, ...) to it."""
        shape = inputs[0]
        merged = (shape[0] * shape[1], *shape[2:])
        inner: Kind = self.inner
        return inner.macs([merged], inner.output_shape([merged]))


def unwrap_cells(items: list[Any] | tuple[Any, ...], prefix: str) -> list[tuple[Kind, str, bool]]:
    """(cell kind, weight-name prefix, trainable) of each recurrent cell given."""
    cells = [unwrap(item, "RNN's cell") for item in items]
    for kind, _, _ in cells:
        if not getattr(kind, "is_cell", False):
            raise KindError(f"takes a recurrent cell (LSTMCell, GRUCell, SimpleRNNCell); got {kind.kind_name}")
    return [(kind, f"{prefix}{name}/", trainable) for kind, name, trainable in cells]


class StackedRNNCells(Kind):
    """A stack of recurrent cells used as one cell by RNN: each cell reads the previous cell's output."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:StackedRNNCells": {}}
    signatures = {"keras": signature("cells", cells=REQUIRED)}
    is_cell = True

    cells: list[tuple[RecurrentCell, str, bool]]  # (cell, weight-name prefix, trainable)

    def setup(self) -> None:
        self.attrs["cells"] = unwrap_cells(self.attrs["cells"], "")


class RNN(Kind):
    """A recurrent layer built from a cell (or a list of cells, stacked): the cells' weights, applied at
    every step of the sequence. (batch, seq, d_in) -> (batch, units of the last cell)."""

    weights_in_sublayers = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:RNN": {}}
    signatures = {
        "keras": signature(
            "cell return_sequences return_state go_backwards stateful unroll zero_output_for_mask",
            cell=REQUIRED, return_sequences=False, return_state=False,
        ),
    }
    n_inputs = (1, None)

    wraps_weights = True
    cell: Any  # as given: a cell or a list of cells
    cells: list[tuple[RecurrentCell, str, bool]]
    return_sequences: bool
    return_state: bool

    def weights_owner(self) -> Kind:
        """One cell's (`RNN(cell)`: the cell holds the weights, shared by every RNN given it); a list of cells is
        this layer's own stack."""
        cells = self.cells
        if len(cells) == 1 and not isinstance(self.cell, (list, tuple)) and isinstance(cells[0][0], Kind):
            return cells[0][0].weights_owner()
        return self

    def setup(self) -> None:
        if isinstance(self.cell, (list, tuple)):  # Keras stacks a list in a StackedRNNCells, auto-named
            self.attrs.setdefault("named_at_init", {"stack_name": "stacked_rnn_cells"})
            self.attrs["cells"] = unwrap_cells(self.cell, "")
            return
        kind, name, trainable = unwrap(self.cell, "RNN's cell")
        if isinstance(kind, StackedRNNCells):
            self.attrs["cells"] = [(k, f"{name}/{p}", t and trainable) for k, p, t in kind.cells]
        else:
            self.attrs["cells"] = unwrap_cells([self.cell], "")

    def check(self, inputs: list[Shape]) -> None:
        if len(inputs[0]) < 3:
            raise KindError(f"expects a sequence (batch, seq, d_in); got {shape_text(inputs[0])}")

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        batch, steps = inputs[0][0], inputs[0][1]
        units = self.cells[-1][0].units
        out = (batch, steps, units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return out
        states = [(batch, kind.units) for kind, _, _ in self.cells for _ in range(2 if kind.has_cell_state else 1)]
        return [out, *states]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        out: list[Weight] = []
        shape = inputs[0] if inputs else None
        stack = f"{self.attrs.get('stack_name', 'stacked_rnn_cells')}/" if "named_at_init" in self.attrs else ""
        for kind, prefix, trainable in self.cells:
            out += prefixed(kind.weights([shape] if shape else None), stack + prefix, trainable)
            shape = (None, None, kind.units)
        return out

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """N·(sum of the cells' kernel sizes), N = batch·timesteps: every cell's kernels at every step."""
        shape = inputs[0]
        return matmul_macs(Factor(shape[0] * shape[1], "N"), self.weights(inputs))
