"""Transposed convolutions (1-D, 2-D, 3-D): the upsampling mirror of a convolution."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr
from ..ir import Shape, Weight
from .base import INPUT, REQUIRED, Kind, Saved, factor, known_positive, shape_text, tuple_of
from .conv import (
    KERAS_KERNEL_OPTIONS,
    check_grouped_channels,
    check_torch_groups,
    join_channels,
    kernel_factors,
    normalize_window,
    per_filter,
    split_channels,
    window_macs,
    with_batch,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_TRANSPOSE = (
    ("filters", REQUIRED),
    ("kernel_size", REQUIRED),
    ("strides", 1),
    ("padding", "valid"),
    ("output_padding", None),
    ("data_format", None),
    ("dilation_rate", 1),
    ("activation", None),
    ("use_bias", True),
    *KERAS_KERNEL_OPTIONS,
)
# Conv3DTranspose takes data_format before output_padding
KERAS_TRANSPOSE_3D = (*KERAS_TRANSPOSE[:4], KERAS_TRANSPOSE[5], KERAS_TRANSPOSE[4], *KERAS_TRANSPOSE[6:])
TORCH_TRANSPOSE = (
    ("in_channels", REQUIRED),
    ("out_channels", REQUIRED),
    ("kernel_size", REQUIRED),
    ("stride", 1),
    ("padding", 0),
    ("output_padding", 0),
    ("groups", 1),
    ("bias", True),
    ("dilation", 1),
    ("padding_mode", "zeros"),
    ("device", None),
    ("dtype", None),
)


def keras_length(n: Any, k: int, stride: int, padding: str, output_padding: int | None, dilation: int) -> Any:
    """Keras' rule: `(n - 1)·stride + k` ('valid'), `n·stride` ('same'), adjusted by output_padding."""
    if n is None:
        return None
    span = (k - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (n - 1) * stride + span + extra
    if output_padding is None:
        return n * stride
    return (n - 1) * stride + span % 2 + output_padding


def torch_length(n: Any, k: int, stride: int, padding: int, output_padding: int, dilation: int) -> Any:
    """PyTorch's rule: `(n - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1`."""
    if n is None:
        return None
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


class ConvTranspose(Kind):
    """A transposed convolution: each input channel spreads a k×k window of weights onto every filter, plus one bias per filter.

    Keras stores the kernel as (k..., filters, c_in); PyTorch as (c_in, filters/groups, k...).
    """

    is_spatial = True
    output_size_at = 1  # torch: forward(input, output_size=None)

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:Conv{r}DTranspose": {"rank": r} for r in (1, 2, 3)},
        **{f"keras:Convolution{r}DTranspose": {"rank": r, "keras_class": f"Conv{r}DTranspose"} for r in (1, 2, 3)},
        **{f"torch:ConvTranspose{r}d": {"rank": r} for r in (1, 2, 3)},
    }
    signatures = {
        "keras": KERAS_TRANSPOSE,
        "keras:Conv3DTranspose": KERAS_TRANSPOSE_3D,
        "keras:Convolution3DTranspose": KERAS_TRANSPOSE_3D,
        "torch": TORCH_TRANSPOSE,
    }

    rank: int
    data_format: str
    filters: Dim
    c_in: Dim  # PyTorch only (in_channels)
    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any  # a Keras word or PyTorch's zeros per axis
    output_padding: tuple[Dim, ...] | None
    groups: Dim
    use_bias: bool

    def setup(self) -> None:
        a, rank = self.attrs, self.attrs["rank"]
        if self.framework == "torch":
            a.update(filters=a["out_channels"], c_in=a["in_channels"], strides=a["stride"], use_bias=bool(a["bias"]))
            a["dilation_rate"] = a["dilation"]
            check_torch_groups(a)
            if isinstance(a["padding"], str):
                raise KindError(f"padding must be an int or a tuple of ints; got {a['padding']!r}")
        else:
            a["groups"] = 1
        normalize_window(self, ("valid", "same"))
        if a["output_padding"] is not None:
            a["output_padding"] = tuple_of(a["output_padding"], rank, "output_padding")
            for op, s, d in zip(a["output_padding"], a["strides"], a["dilation_rate"]):
                if op >= max(s, d) if self.framework == "torch" else op >= s:
                    raise KindError(
                        f"output_padding must be smaller than strides; got output_padding={a['output_padding']}, "
                        f"strides={a['strides']}",
                        hint="use an output_padding below the stride on every axis, e.g. output_padding=1 with strides=2",
                    )
        if isinstance(self.filters, int) and self.filters % self.groups:
            raise KindError(f"out_channels ({self.filters}) must be divisible by groups ({self.groups})")

    def check(self, inputs: list[Shape]) -> None:
        check_grouped_channels(self, inputs, "(16, 16, 8)")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return with_batch(self, inputs[0], self.batched_output_shape)

    def batched_output_shape(self, shape: Shape) -> Shape:
        _, spatial = split_channels(self, shape)
        out = tuple(self._length(n, i) for i, n in enumerate(spatial))
        for n in out:
            if n is not None and not known_positive(n):
                raise KindError(f"the output would have size {n} for the input {shape_text(shape)}", hint="use less padding")
        return join_channels(self, shape[0], self.filters, out)

    def sized(self, inputs: list[Shape], wanted: tuple[int, ...]) -> Kind | None:
        """PyTorch's `output_size=`: the output_padding that makes it, each below max(stride, dilation), as
        `_output_padding` works it out (other sizes torch refuses)."""
        if self.framework != "torch":
            return None
        unpadded = type(self)(self.framework, self.type_name, {**self.attrs, "output_padding": (0,) * self.rank})
        out = unpadded.output_shape(inputs)
        least = out[len(out) - self.rank:]
        if not all(type(m) is int for m in least):
            return None
        padding = tuple(w - m for w, m in zip(wanted, least))
        if any(not 0 <= p < max(s, d) for p, s, d in zip(padding, self.strides, self.dilation_rate)):
            return None
        return type(self)(self.framework, self.type_name, {**self.attrs, "output_padding": padding})

    def _length(self, n: Any, i: int) -> Any:
        k, s, d = self.kernel_size[i], self.strides[i], self.dilation_rate[i]
        op = self.output_padding[i] if self.output_padding is not None else None
        if self.framework == "torch":
            return torch_length(n, k, s, self.padding[i], op or 0, d)
        return keras_length(n, k, s, self.padding, op, d)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "torch":
            c_in = self.c_in
        else:
            if not inputs:
                raise KindError("needs an input shape to know its input channels")
            c_in, _ = split_channels(self, inputs[0])
        ks = kernel_factors(self.kernel_size)
        filters = factor(self.filters, "filters")
        if self.framework == "torch":
            per_group = factor(self.filters // self.groups, "filters/groups" if self.groups != 1 else "filters")
            dims = (factor(c_in, "c_in"), per_group, *ks)
        else:
            dims = (*ks, filters, factor(c_in, "c_in"))
        out = [Weight("weight" if self.framework == "torch" else "kernel", dims)]
        if self.use_bias:
            out.append(Weight("bias", (filters,)))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        if self.groups != 1:  # a grouped kernel (or groups not known until --set) has no one-line formula
            return None
        return per_filter(weights[0], weights[1] if len(weights) > 1 else None)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·H_in·W_in·c_in·(filters/groups)·k_h·k_w: every input position spreads the kernel onto the output."""
        return window_macs(self, inputs[0], self.weights(inputs)[0], "in")

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """The input (for the kernel's gradient); in PyTorch, where this is measured."""
        return INPUT if self.framework == "torch" else None

    def note(self) -> str:
        if self.framework == "torch":
            return "weight is (c_in, filters/groups, k...): in before out, the reverse of Conv"
        return "kernel is (k..., filters, c_in): out before in, the reverse of Conv"

