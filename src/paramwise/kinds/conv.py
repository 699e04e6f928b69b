"""Convolutions (1-D, 2-D, 3-D; Keras channels-last and PyTorch channels-first)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import KindError
from ..formula import Expr
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, conv_length, expect_rank, factor, known_positive, shape_text, tuple_of, weight_plus_bias

KERAS_CONV = (
    ("filters", REQUIRED),
    ("kernel_size", REQUIRED),
    ("strides", 1),
    ("padding", "valid"),
    ("data_format", None),
    ("dilation_rate", 1),
    ("groups", 1),
    ("activation", None),
    ("use_bias", True),
)
TORCH_CONV = (
    ("in_channels", REQUIRED),
    ("out_channels", REQUIRED),
    ("kernel_size", REQUIRED),
    ("stride", 1),
    ("padding", 0),
    ("dilation", 1),
    ("groups", 1),
    ("bias", True),
    ("padding_mode", "zeros"),
)
SPATIAL = {1: "w", 2: "h, w", 3: "d, h, w"}


def layout(rank: int, data_format: str) -> str:
    """`(batch, h, w, c)` or `(batch, c, h, w)`: the layout named in messages."""
    if data_format == "channels_first":
        return f"(batch, c, {SPATIAL[rank]})"
    return f"(batch, {SPATIAL[rank]}, c)"


def normalize_conv(kind: Kind) -> None:
    """Map both frameworks' arguments onto one set: filters, kernel_size, strides, padding, dilation..."""
    a, rank = kind.attrs, kind.attrs["rank"]
    if kind.framework == "torch":
        a.update(filters=a["out_channels"], c_in=a["in_channels"], strides=a["stride"], use_bias=bool(a["bias"]))
        a["dilation_rate"] = a["dilation"]
        a["data_format"] = "channels_first"
        pad = a["padding"]
        a["padding"] = pad if isinstance(pad, str) else tuple_of(pad, rank, "padding")
    else:
        a["data_format"] = a.get("data_format") or "channels_last"
        pad = str(a["padding"]).lower()
        if pad not in ("valid", "same", "causal") or (pad == "causal" and rank != 1):
            raise KindError(
                f"padding must be 'valid' or 'same'{' or causal' if rank == 1 else ''}; got {a['padding']!r}"
            )
        a["padding"] = pad
    a["kernel_size"] = tuple_of(a["kernel_size"], rank, "kernel_size")
    a["strides"] = tuple_of(a["strides"], rank, "strides")
    a["dilation_rate"] = tuple_of(a["dilation_rate"], rank, "dilation_rate")


def split_channels(kind: Kind, shape: Shape) -> tuple[Any, tuple[Any, ...]]:
    """(channels, spatial dims) of a batched input in the kind's data format."""
    if kind.data_format == "channels_first":
        return shape[1], tuple(shape[2:])
    return shape[-1], tuple(shape[1:-1])


def join_channels(kind: Kind, batch: Any, channels: Any, spatial: tuple[Any, ...]) -> Shape:
    if kind.data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def spatial_out(kind: Kind, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
    out = []
    for i, size in enumerate(spatial):
        pad = kind.padding[i] if isinstance(kind.padding, tuple) else kind.padding
        if pad == "same" and kind.framework == "torch":
            n = size
        else:
            n = conv_length(size, kind.kernel_size[i], kind.strides[i], pad, kind.dilation_rate[i])
        if n is not None and not known_positive(n):
            raise KindError(
                f"kernel {'x'.join(map(str, kind.kernel_size))} does not fit the input {shape_text(shape)} "
                f"with padding {pad!r}: the output would have size {n}",
                hint="use padding='same', a smaller kernel, or a larger input",
            )
        out.append(n)
    return tuple(out)


class Conv(Kind):
    """A convolution: each filter has a k×k window of weights over every input channel, plus one bias.

    Keras stores the kernel as (k..., c_in/groups, filters); PyTorch as (filters, c_in/groups, k...).
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:Conv1D": {"rank": 1},
        "keras:Conv2D": {"rank": 2},
        "keras:Conv3D": {"rank": 3},
        "keras:Convolution1D": {"rank": 1},
        "keras:Convolution2D": {"rank": 2},
        "keras:Convolution3D": {"rank": 3},
        "torch:Conv1d": {"rank": 1},
        "torch:Conv2d": {"rank": 2},
        "torch:Conv3d": {"rank": 3},
    }
    signatures = {"keras": KERAS_CONV, "torch": TORCH_CONV}

    def setup(self) -> None:
        normalize_conv(self)

    def check(self, inputs: list[Shape]) -> None:
        rank = self.rank
        if self.framework == "torch" and len(inputs[0]) == rank + 1:
            return  # PyTorch accepts an unbatched input
        expect_rank(
            inputs,
            rank + 2,
            layout(rank, self.data_format),
            hint="add a channel axis, e.g. keras.Input((28, 28, 1))" if len(inputs[0]) == rank + 1 else "",
        )
        c_in, _ = split_channels(self, inputs[0])
        if c_in is None:
            raise KindError(f"needs a known number of input channels; got {shape_text(inputs[0])}")
        if isinstance(c_in, int) and c_in % self.groups:
            raise KindError(f"input channels ({c_in}) must be divisible by groups ({self.groups})")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if self.framework == "torch" and len(shape) == self.rank + 1:
            out = self.output_shape([(None, *shape)])
            return out[1:]
        _, spatial = split_channels(self, shape)
        return join_channels(self, shape[0], self.filters, spatial_out(self, spatial, shape))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "torch":
            c_in = self.c_in
        else:
            if not inputs:
                raise KindError("needs an input shape to know its input channels")
            c_in, _ = split_channels(self, inputs[0])
        letters = ["k"] if self.rank == 1 else ["k_d", "k_h", "k_w"][3 - self.rank:]
        ks = tuple(factor(k, letter) for k, letter in zip(self.kernel_size, letters))
        depth = factor(c_in // self.groups, "c_in/groups" if self.groups > 1 else "c_in")
        filters = factor(self.filters, "filters")
        dims = (filters, depth, *ks) if self.framework == "torch" else (*ks, depth, filters)
        name = "weight" if self.framework == "torch" else "kernel"
        out = [Weight(name, dims)]
        if self.use_bias:
            out.append(Weight("bias", (filters,)))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        return weight_plus_bias(weights[0], weights[1] if len(weights) > 1 else None)
