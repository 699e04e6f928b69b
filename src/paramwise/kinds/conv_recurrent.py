"""Convolutional LSTM (Keras ConvLSTM1D/2D/3D): an LSTM whose gates are convolutions."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, expect_rank, factor, shape_text, signature
from .conv import SPATIAL, normalize_window, spatial_out

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_CONV_LSTM = signature(
    "filters kernel_size strides padding data_format dilation_rate activation recurrent_activation use_bias "
    "kernel_initializer recurrent_initializer bias_initializer unit_forget_bias kernel_regularizer "
    "recurrent_regularizer bias_regularizer activity_regularizer kernel_constraint recurrent_constraint "
    "bias_constraint dropout recurrent_dropout seed return_sequences return_state go_backwards stateful",
    filters=REQUIRED, kernel_size=REQUIRED, strides=1, padding="valid", dilation_rate=1, use_bias=True,
    return_sequences=False, return_state=False,
)


class ConvLSTM(Kind):
    """A convolutional LSTM: four gates, each a convolution over the input frame (kernel) and over the
    previous state (recurrent_kernel), plus a bias. (batch, time, h, w, c) -> (batch, h', w', filters)."""

    weights_in_sublayers = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:ConvLSTM1D": {"rank": 1},
        "keras:ConvLSTM2D": {"rank": 2},
        "keras:ConvLSTM3D": {"rank": 3},
    }
    signatures = {"keras": KERAS_CONV_LSTM}
    n_inputs = (1, None)  # the sequence, then any initial states
    gates = 4

    rank: int
    data_format: str
    filters: Dim
    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any
    use_bias: bool
    return_sequences: bool
    return_state: bool

    def setup(self) -> None:
        normalize_window(self, ("valid", "same"))

    def layout(self) -> str:
        if self.data_format == "channels_first":
            return f"(batch, time, c, {SPATIAL[self.rank]})"
        return f"(batch, time, {SPATIAL[self.rank]}, c)"

    def split(self, shape: Shape) -> tuple[Any, tuple[Any, ...]]:
        """(channels, spatial dims) of one frame of a (batch, time, ...) input."""
        frame = shape[2:]
        if self.data_format == "channels_first":
            return frame[0], tuple(frame[1:])
        return frame[-1], tuple(frame[:-1])

    def join(self, batch: Any, spatial: tuple[Any, ...]) -> Shape:
        if self.data_format == "channels_first":
            return (batch, self.filters, *spatial)
        return (batch, *spatial, self.filters)

    def check(self, inputs: list[Shape]) -> None:
        expect_rank(inputs, self.rank + 3, self.layout(), hint="a ConvLSTM reads a sequence of frames")
        channels, _ = self.split(inputs[0])
        if channels is None:
            raise KindError(f"needs a known number of input channels; got {shape_text(inputs[0])}")

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        shape = inputs[0]
        _, spatial = self.split(shape)
        state = self.join(shape[0], spatial_out(self, spatial, shape))
        out = (state[0], shape[1], *state[1:]) if self.return_sequences else state
        return [out, state, state] if self.return_state else out

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs:
            raise KindError("needs an input shape to know its input channels")
        channels, _ = self.split(inputs[0])
        letters = ["k"] if self.rank == 1 else ["k_d", "k_h", "k_w"][3 - self.rank:]
        ks = tuple(factor(k, letter) for k, letter in zip(self.kernel_size, letters))
        gated = factor(self.gates * self.filters, f"{self.gates}·filters")
        out = [
            Weight("conv_lstm_cell/kernel", (*ks, factor(channels, "c_in"), gated)),
            Weight("conv_lstm_cell/recurrent_kernel", (*ks, factor(self.filters, "filters"), gated)),
        ]
        return out + ([Weight("conv_lstm_cell/bias", (gated,))] if self.use_bias else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        """4·((k·k·c_in + k·k·filters + 1)·filters)."""
        kernel, recurrent = weights[0].dims[:-1], weights[1].dims[:-1]
        bias = [const(1)] if self.use_bias else []
        return prod(const(self.gates), add(prod(*kernel), prod(*recurrent), *bias), factor(self.filters, "filters"))

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·T·(output positions)·(kernel + recurrent kernel sizes): both convolutions at every step."""
        shape = inputs[0]
        _, spatial = self.split(shape)
        n: Dim = shape[0] * shape[1]
        for d in spatial_out(self, spatial, shape):
            n = n * d
        weights = self.weights(inputs)
        return prod(Factor(n, "B·T·positions"), add(weights[0].term(), weights[1].term()))

    def note(self) -> str:
        return "PyTorch has no ConvLSTM layer; Keras' has one bias vector per gate: 4·((k·c_in + k·filters + 1)·filters)"
