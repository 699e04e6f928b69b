"""Recurrent layers: SimpleRNN/RNN, LSTM and GRU, as layers over sequences and as single-step cells.

Keras keeps one kernel (d_in, gates·units), one recurrent kernel (units, gates·units) and one bias
vector per gate (two for GRU with reset_after=True). PyTorch keeps weight_ih/weight_hh per layer and
direction and always two bias vectors (bias_ih, bias_hh). `biases_per_gate` is set by the spelling.
"""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from .base import (
    REQUIRED,
    Kind,
    Spelled,
    expect_rank,
    factor,
    last_dim,
    matmul_macs,
    repeated,
    rows_of,
    shape_text,
    signature,
    stack_groups,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

RNN_FLAGS = "dropout recurrent_dropout return_sequences return_state go_backwards stateful unroll seed"
KERAS_SIMPLE_RNN = signature(
    "units activation use_bias kernel_initializer recurrent_initializer bias_initializer kernel_regularizer "
    "recurrent_regularizer bias_regularizer activity_regularizer kernel_constraint recurrent_constraint "
    f"bias_constraint {RNN_FLAGS}",
    units=REQUIRED, activation="tanh", use_bias=True, return_sequences=False, return_state=False,
)
KERAS_LSTM = signature(
    "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer bias_initializer "
    "unit_forget_bias kernel_regularizer recurrent_regularizer bias_regularizer activity_regularizer "
    "kernel_constraint recurrent_constraint bias_constraint dropout recurrent_dropout seed return_sequences "
    "return_state go_backwards stateful unroll use_cudnn",
    units=REQUIRED, use_bias=True, unit_forget_bias=True, return_sequences=False, return_state=False,
)
KERAS_GRU = signature(
    "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer bias_initializer "
    "kernel_regularizer recurrent_regularizer bias_regularizer activity_regularizer kernel_constraint "
    "recurrent_constraint bias_constraint dropout recurrent_dropout seed return_sequences return_state "
    "go_backwards stateful unroll reset_after use_cudnn",
    units=REQUIRED, use_bias=True, return_sequences=False, return_state=False, reset_after=True,
)
KERAS_CELL = {
    1: signature(
        "units activation use_bias kernel_initializer recurrent_initializer bias_initializer kernel_regularizer "
        "recurrent_regularizer bias_regularizer kernel_constraint recurrent_constraint bias_constraint dropout "
        "recurrent_dropout seed",
        units=REQUIRED, use_bias=True,
    ),
    4: signature(
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer bias_initializer "
        "unit_forget_bias kernel_regularizer recurrent_regularizer bias_regularizer kernel_constraint "
        "recurrent_constraint bias_constraint dropout recurrent_dropout seed",
        units=REQUIRED, use_bias=True,
    ),
    3: signature(
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer bias_initializer "
        "kernel_regularizer recurrent_regularizer bias_regularizer kernel_constraint recurrent_constraint "
        "bias_constraint dropout recurrent_dropout reset_after seed",
        units=REQUIRED, use_bias=True, reset_after=True,
    ),
}
TORCH_RNN = signature(
    "input_size hidden_size num_layers nonlinearity bias batch_first dropout bidirectional device dtype",
    input_size=REQUIRED, hidden_size=REQUIRED, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
    dropout=0.0, bidirectional=False,
)
TORCH_LSTM = signature(
    "input_size hidden_size num_layers bias batch_first dropout bidirectional proj_size device dtype",
    input_size=REQUIRED, hidden_size=REQUIRED, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0,
)
TORCH_GRU = signature(
    "input_size hidden_size num_layers bias batch_first dropout bidirectional device dtype",
    input_size=REQUIRED, hidden_size=REQUIRED, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False,
)
TORCH_CELL = signature("input_size hidden_size bias device dtype", input_size=REQUIRED, hidden_size=REQUIRED, bias=True)
TORCH_RNN_CELL = signature("input_size hidden_size bias nonlinearity device dtype", input_size=REQUIRED, hidden_size=REQUIRED, bias=True, nonlinearity="tanh")


def scaled(n: int, *factors: Expr) -> Expr:
    """`n·a·b`, leaving out a factor of 1."""
    return prod(*([const(n)] if n != 1 else []), *factors)


def positive(value: Any, what: str) -> None:
    if isinstance(value, int) and value < 1:
        raise KindError(f"needs a positive {what}; got {value}")


class Recurrent(Kind):
    """The shared rules of recurrent layers and cells; subclasses fix the number of gates."""

    spelled_as: ClassVar[dict[str, str]] = {}  # framework -> its class name for this layer (--as)

    gates: ClassVar[int] = 1
    has_cell_state: ClassVar[bool] = False
    is_cell: ClassVar[bool] = False
    cell_name: ClassVar[str] = "simple_rnn_cell"
    n_inputs: ClassVar[tuple[int, int | None]] = (1, None)  # the sequence, then any initial states

    units: Dim
    d_in: Dim  # PyTorch only (input_size)
    use_bias: bool
    biases_per_gate: int
    return_sequences: bool  # Keras
    return_state: bool  # Keras
    num_layers: Dim  # PyTorch
    proj_size: Dim  # PyTorch
    directions: int  # PyTorch
    batch_first: bool  # PyTorch

    def setup(self) -> None:
        a = self.attrs
        if self.framework == "torch":
            a.update(units=a["hidden_size"], d_in=a["input_size"], use_bias=bool(a["bias"]))
            a.setdefault("num_layers", 1)
            a.setdefault("proj_size", 0)
            a["directions"] = 2 if a.get("bidirectional") else 1
            positive(a["num_layers"], "num_layers")
        elif a.get("reset_after"):
            a["biases_per_gate"] = 2
        positive(a["units"], "number of units")

    # -- Keras ------------------------------------------------------------------------------
    def keras_weights(self, inputs: list[Shape] | None, prefix: str) -> list[Weight]:
        d_in = factor(last_dim(inputs, "the feature axis"), "d_in")
        units = factor(self.units, "units")
        gated = factor(self.gates * self.units, "units" if self.gates == 1 else f"{self.gates}·units")
        out = [Weight(prefix + "kernel", (d_in, gated)), Weight(prefix + "recurrent_kernel", (units, gated))]
        if self.use_bias:
            bias_dims = (const(2), gated) if self.biases_per_gate == 2 else (gated,)
            out.append(Weight(prefix + "bias", bias_dims))
        return out

    def keras_formula(self, weights: list[Weight]) -> Expr:
        d_in, units = weights[0].dims[0], Factor(self.units, "units")
        inner = [d_in, units] + ([const(self.biases_per_gate)] if self.use_bias else [])
        return scaled(self.gates, add(*inner), units)

    def keras_output(self, inputs: list[Shape]) -> Shape | list[Shape]:
        batch, steps = inputs[0][0], inputs[0][1]
        out = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if not self.return_state:
            return out
        state = (batch, self.units)
        return [out, state, state] if self.has_cell_state else [out, state]

    # -- PyTorch ----------------------------------------------------------------------------
    def real_hidden(self) -> Factor:
        return factor(self.proj_size, "proj") if self.proj_size else factor(self.units, "h")

    def torch_weights(self) -> list[Weight]:
        h, hr, directions = factor(self.units, "h"), self.real_hidden(), self.directions
        gated = factor(self.gates * self.units, "h" if self.gates == 1 else f"{self.gates}·h")
        out = []
        for label, layer, copies in stack_groups(self.num_layers):  # num_layers=10**12: one group past the first
            d_in = factor(self.d_in, "d_in") if layer == 0 else factor(directions * hr.value, f"{directions}·{hr.letter}" if directions > 1 else hr.letter)
            for direction in range(directions):
                end = f"_l{label}" + ("_reverse" if direction else "")
                one = [Weight(f"weight_ih{end}", (gated, d_in)), Weight(f"weight_hh{end}", (gated, hr))]
                if self.use_bias:
                    one += [Weight(f"bias_ih{end}", (gated,)), Weight(f"bias_hh{end}", (gated,))]
                if self.proj_size:
                    one.append(Weight(f"weight_hr{end}", (hr, h)))
                out += repeated(one, copies)
        return out

    def torch_formula(self) -> Expr:
        """Per layer and direction `gates·(d_in + h + 2)·h` (+ proj·h with a projection)."""
        h, hr, directions = factor(self.units, "h"), self.real_hidden(), self.directions
        bias = [const(2)] if self.use_bias else []
        terms = [scaled(directions * self.gates, add(factor(self.d_in, "d_in"), hr, *bias), h)]
        if not (isinstance(self.num_layers, int) and self.num_layers <= 1):  # an unknown number: (N - 1) upper layers
            upper = scaled(directions, hr)
            terms.append(scaled((self.num_layers - 1) * directions * self.gates, add(upper, hr, *bias), h))
        if self.proj_size:
            terms.append(scaled(self.num_layers * directions, hr, h))
        return add(*terms)

    def torch_output(self, inputs: list[Shape]) -> Shape | list[Shape]:
        shape = inputs[0]
        if len(shape) not in (2, 3):
            raise KindError(f"expects a 3-D input (seq, batch, d_in) or 2-D (seq, d_in); got {shape_text(shape)}")
        width = self.real_hidden().value
        out = (*shape[:-1], self.directions * width)
        stack = self.directions * self.num_layers
        batch = () if len(shape) == 2 else (shape[0] if self.batch_first else shape[1],)
        states = [(stack, *batch, width)] + ([(stack, *batch, self.units)] if self.has_cell_state else [])
        return [out, *states]

    def check_features(self, shape: Shape) -> None:
        got = shape[-1] if shape else None
        if self.framework == "torch" and isinstance(got, int) and got != self.d_in:
            raise KindError(f"expects {self.d_in} input features (input_size); got {shape_text(shape)}")

    # -- the Kind interface -----------------------------------------------------------------
    def check(self, inputs: list[Shape]) -> None:
        if self.framework == "keras":
            d = inputs[0][-1] if len(inputs[0]) == 2 else "d_in"
            hint = f"a recurrent layer reads sequences: add a time axis, e.g. keras.Input((timesteps, {d}))"
            expect_rank(inputs, 3, "(batch, seq, d_in)", hint=hint)
            last_dim(inputs, "the feature axis")
        self.check_features(inputs[0])

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        if self.framework == "torch":
            return self.torch_output(inputs)
        return self.keras_output(inputs)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "torch":
            return self.torch_weights()
        return self.keras_weights(inputs, f"{self.cell_name}/")

    def formula(self, weights: list[Weight]) -> Expr | None:
        if self.framework == "torch":
            return self.torch_formula()
        return self.keras_formula(weights)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """N·(sum of the kernels' sizes), N = batch·timesteps: at each step every input kernel (weight_ih) and
        recurrent kernel (weight_hh, weight_hr) multiplies one vector, in each layer and direction."""
        return matmul_macs(rows_of(inputs[0]), self.weights(inputs))

    def note(self) -> str:
        return (
            "PyTorch has two bias vectors per gate (bias_ih and bias_hh): (d_in + h + 2)·h per layer and direction; "
            "Keras has one: (d_in + units + 1)·units"
        )

    def translated(self, shape: Shape) -> Spelled | None:
        if self.framework == "keras":
            return self.spelled_as["torch"], [shape[-1], self.units], {"bias": self.use_bias, "batch_first": True}
        return self.spelled_as["keras"], [self.units], {"use_bias": self.use_bias}


class SimpleRNN(Recurrent):
    """A simple recurrent layer: at each step the new state is tanh(x·W + h·U + b), so it learns an input
    kernel, a recurrent kernel and a bias. (batch, seq, d_in) -> (batch, units)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:SimpleRNN": {"biases_per_gate": 1},
        "torch:RNN": {"biases_per_gate": 2},
    }
    spelled_as = {"keras": "SimpleRNN", "torch": "RNN"}
    signatures = {"keras": KERAS_SIMPLE_RNN, "torch": TORCH_RNN}


class LSTM(Recurrent):
    """A long short-term memory layer: four gates (input, forget, cell, output), each with an input
    kernel, a recurrent kernel and a bias. (batch, seq, d_in) -> (batch, units)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:LSTM": {"biases_per_gate": 1},
        "torch:LSTM": {"biases_per_gate": 2},
    }
    spelled_as = {"keras": "LSTM", "torch": "LSTM"}
    signatures = {"keras": KERAS_LSTM, "torch": TORCH_LSTM}
    gates = 4
    has_cell_state = True
    cell_name = "lstm_cell"

    def setup(self) -> None:
        super().setup()
        proj = self.attrs.get("proj_size") or 0
        if isinstance(proj, int) and proj and isinstance(self.units, int) and not 0 < proj < self.units:
            raise KindError(f"proj_size ({proj}) must be smaller than hidden_size ({self.units})")

    def note(self) -> str:
        return (
            "PyTorch's LSTM has two bias vectors per gate (bias_ih and bias_hh): 4·(d_in + h + 2)·h per layer and "
            "direction; Keras has one: 4·(d_in + units + 1)·units"
        )


class GRU(Recurrent):
    """A gated recurrent unit layer: three gates (update, reset, candidate), each with an input kernel, a
    recurrent kernel and a bias. (batch, seq, d_in) -> (batch, units)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:GRU": {"biases_per_gate": 1},
        "torch:GRU": {"biases_per_gate": 2},
    }
    spelled_as = {"keras": "GRU", "torch": "GRU"}
    signatures = {"keras": KERAS_GRU, "torch": TORCH_GRU}
    gates = 3
    cell_name = "gru_cell"

    def note(self) -> str:
        return (
            "Keras' GRU with reset_after=True (the default) has two bias vectors per gate, bias (2, 3·units), "
            "like PyTorch's bias_ih and bias_hh: 3·(d_in + units + 2)·units; reset_after=False has one"
        )
