"""Recurrent cells: one step of SimpleRNN/RNN, LSTM or GRU. Keras wraps them in `RNN(cell)`;
PyTorch calls them step by step (RNNCell, LSTMCell, GRUCell)."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Expr, add, const
from ..ir import Shape, Weight
from .base import factor, shape_text
from .recurrent import KERAS_CELL, TORCH_CELL, TORCH_RNN_CELL, Recurrent, scaled

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class RecurrentCell(Recurrent):
    """The rules of one step: (batch, d_in) and the state -> the new state."""

    is_cell = True
    n_inputs = (1, 3)  # the input, then the state(s)

    def check(self, inputs: list[Shape]) -> None:
        shape = inputs[0]
        if self.framework == "torch" and len(shape) not in (1, 2):
            raise KindError(f"expects a 2-D input (batch, d_in) or 1-D (d_in,); got {shape_text(shape)}")
        self.check_features(shape)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        state = (*inputs[0][:-1], self.units)
        if self.framework == "torch" and self.has_cell_state:
            return [state, state]  # (h', c')
        return state

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "keras":
            return self.keras_weights(inputs, "")
        h, d_in = factor(self.units, "h"), factor(self.d_in, "d_in")
        gated = factor(self.gates * self.units, "h" if self.gates == 1 else f"{self.gates}·h")
        out = [Weight("weight_ih", (gated, d_in)), Weight("weight_hh", (gated, h))]
        return out + ([Weight("bias_ih", (gated,)), Weight("bias_hh", (gated,))] if self.use_bias else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        if self.framework == "keras":
            return self.keras_formula(weights)
        bias = [const(2)] if self.use_bias else []
        return scaled(self.gates, add(factor(self.d_in, "d_in"), factor(self.units, "h"), *bias), factor(self.units, "h"))


class SimpleRNNCell(RecurrentCell):
    """One step of a simple recurrent layer: an input kernel, a recurrent kernel and a bias."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:SimpleRNNCell": {"biases_per_gate": 1},
        "torch:RNNCell": {"biases_per_gate": 2},
    }
    signatures = {"keras": KERAS_CELL[1], "torch": TORCH_RNN_CELL}


class LSTMCell(RecurrentCell):
    """One step of an LSTM: four gates, each with an input kernel, a recurrent kernel and a bias."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:LSTMCell": {"biases_per_gate": 1},
        "torch:LSTMCell": {"biases_per_gate": 2},
    }
    signatures = {"keras": KERAS_CELL[4], "torch": TORCH_CELL}
    gates = 4
    has_cell_state = True
    cell_name = "lstm_cell"

    def note(self) -> str:
        return "PyTorch's LSTMCell has two bias vectors per gate (bias_ih and bias_hh): 4·(d_in + h + 2)·h; Keras has one"


class GRUCell(RecurrentCell):
    """One step of a GRU: three gates, each with an input kernel, a recurrent kernel and a bias."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:GRUCell": {"biases_per_gate": 1},
        "torch:GRUCell": {"biases_per_gate": 2},
    }
    signatures = {"keras": KERAS_CELL[3], "torch": TORCH_CELL}
    gates = 3
    cell_name = "gru_cell"

    def note(self) -> str:
        return "Keras' GRUCell with reset_after=True (the default) has two bias vectors per gate like PyTorch; reset_after=False has one"


