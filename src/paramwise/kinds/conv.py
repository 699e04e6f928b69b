"""Convolutions (1-D, 2-D, 3-D; Keras channels-last and PyTorch channels-first)."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from .base import (
    INPUT,
    REQUIRED,
    ChannelLayout,
    Grouped,
    Kind,
    Saved,
    Spelled,
    Window,
    conv_length,
    expect_rank,
    factor,
    known_positive,
    shape_text,
    tuple_of,
    weight_plus_bias,
)
from .values import WINDOW, describe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    Out = TypeVar("Out")  # a shape, or a list of shapes for layers with several outputs

# what Keras's kernel layers take after use_bias (none of it changes the count), in Keras's order
KERAS_KERNEL_OPTIONS = (
    ("kernel_initializer", "glorot_uniform"), ("bias_initializer", "zeros"), ("kernel_regularizer", None),
    ("bias_regularizer", None), ("activity_regularizer", None), ("kernel_constraint", None), ("bias_constraint", None),
)
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
    *KERAS_KERNEL_OPTIONS,
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
    ("device", None),
    ("dtype", None),
)
SPATIAL = {1: "w", 2: "h, w", 3: "d, h, w"}


def layout(rank: int, data_format: str) -> str:
    """`(batch, h, w, c)` or `(batch, c, h, w)`: the layout named in messages."""
    if data_format == "channels_first":
        return f"(batch, c, {SPATIAL[rank]})"
    return f"(batch, {SPATIAL[rank]}, c)"


def normalize_conv(kind: Kind) -> None:
    """Map both frameworks' arguments onto one set: filters, kernel_size, strides, padding, dilation..."""
    a = kind.attrs
    if kind.framework == "torch":
        a.update(filters=a["out_channels"], c_in=a["in_channels"], strides=a["stride"], use_bias=bool(a["bias"]))
        a["dilation_rate"] = a["dilation"]
        check_torch_groups(a)
    normalize_window(kind)


def check_torch_groups(a: dict[str, Any]) -> None:
    """PyTorch refuses channels that do not split evenly into groups, when the module is made."""
    for name in ("in_channels", "out_channels"):
        if isinstance(a[name], int) and isinstance(a["groups"], int) and a[name] % a["groups"]:
            raise KindError(f"{name} ({a[name]}) must be divisible by groups ({a['groups']})",
                            hint="PyTorch refuses this too: make the channels a multiple of groups")


def normalize_window(kind: Kind, paddings: tuple[str, ...] = ("valid", "same", "causal")) -> None:
    """kernel_size, strides, dilation_rate as tuples; padding as a Keras word or PyTorch per-axis ints."""
    a, rank = kind.attrs, kind.attrs["rank"]
    if kind.framework == "torch":
        a["data_format"] = "channels_first"
        pad = a["padding"]
        if isinstance(pad, str) and pad.lower() not in ("valid", "same"):
            raise KindError(f"padding must be 'valid', 'same' or a number; got {pad!r}")
        a["padding"] = pad.lower() if isinstance(pad, str) else tuple_of(pad, rank, "padding")
    else:
        a["data_format"] = str(a.get("data_format") or "channels_last").lower()
        pad = str(a["padding"]).lower()
        allowed = [p for p in paddings if p != "causal" or rank == 1]
        if not isinstance(a["padding"], str) or pad not in allowed:
            words = " or ".join(repr(p) for p in allowed)
            raise BadValue("padding", words, a["padding"], describe(a["padding"]))
        a["padding"] = pad
    keras = kind.framework == "keras"
    kernel = a["kernel_size"]
    if not keras and isinstance(kernel, (tuple, list)) and len(kernel) not in (1, rank):
        # torch's _single/_pair/_triple keep a tuple as it is: Conv1d(kernel_size=(1, 2)) is made, with a 4-D
        # weight, and only its forward fails
        a["kernel_size"] = tuple(kernel)
        a["call_error"] = f"a {rank}-D convolution with a {len(kernel)}-D kernel {tuple(kernel)}: torch makes it, but its forward fails"
    else:
        a["kernel_size"] = tuple_of(kernel, rank, "kernel_size", exact=True)
    if a["strides"] is None:  # a pooling window's stride may be None (its size); a convolution's may not
        raise BadValue("strides", WINDOW, None, "None")
    a["strides"] = tuple_of(a["strides"], rank, "strides", exact=keras)
    a["dilation_rate"] = tuple_of(a["dilation_rate"], rank, "dilation_rate", exact=keras)


def is_unbatched(kind: ChannelLayout, shape: Shape) -> bool:
    """PyTorch accepts a window layer's input without its batch axis: (c, ...) instead of (batch, c, ...)."""
    return bool(kind.framework == "torch" and len(shape) == kind.rank + 1)


def with_batch(kind: ChannelLayout, shape: Shape, rule: Callable[[Shape], Out]) -> Out:
    """Apply a shape rule written for batched inputs, dropping the batch axis again for an unbatched one."""
    if not is_unbatched(kind, shape):
        return rule(shape)
    out: Any = rule((None, *shape))
    unbatched: Any = [s[1:] for s in out] if isinstance(out, list) else out[1:]
    return unbatched  # type: ignore[no-any-return]  # Out: the shape or shapes `rule` gives


def check_window_rank(kind: ChannelLayout, inputs: list[Shape]) -> None:
    """(batch, spatial..., c) or (batch, c, spatial...); PyTorch also takes the input unbatched."""
    if not is_unbatched(kind, inputs[0]):
        expect_rank(inputs, kind.rank + 2, layout(kind.rank, kind.data_format))


def check_channels(kind: ChannelLayout, inputs: list[Shape], hint_shape: str) -> Any:
    """The input contract every convolution shares: rank, a known channel axis. Returns c_in."""
    rank = kind.rank
    if is_unbatched(kind, inputs[0]):
        inputs = [(None, *inputs[0])]
    hint = f"add a channel axis, e.g. keras.Input({hint_shape})" if len(inputs[0]) == rank + 1 else ""
    expect_rank(inputs, rank + 2, layout(rank, kind.data_format), hint=hint)
    c_in, _ = split_channels(kind, inputs[0])
    if c_in is None:
        raise KindError(f"needs a known number of input channels; got {shape_text(inputs[0])}")
    expected = kind.attrs.get("c_in")
    if expected is not None and isinstance(c_in, int) and isinstance(expected, int) and c_in != expected:
        raise KindError(
            f"expects {expected} input channels; got {c_in} in {shape_text(inputs[0])}",
            hint=f"set in_channels={c_in}, or feed it a tensor with {expected} channels",
        )
    return c_in


def check_grouped_channels(kind: Grouped, inputs: list[Shape], hint_shape: str) -> None:
    """`check_channels`, and the input channels must split evenly into `groups`."""
    c_in = check_channels(kind, inputs, hint_shape)
    if isinstance(c_in, int) and isinstance(kind.groups, int) and c_in % kind.groups:
        raise KindError(f"input channels ({c_in}) must be divisible by groups ({kind.groups})")


def kernel_factors(kernel_size: tuple[Any, ...]) -> tuple[Factor, ...]:
    """The window's sizes with their glossary letters: k (1-D), k_h, k_w (2-D), k_d, k_h, k_w (3-D)."""
    letters = ["k"] if len(kernel_size) == 1 else ["k_d", "k_h", "k_w"][3 - len(kernel_size):]
    return tuple(factor(k, letter) for k, letter in zip(kernel_size, letters))


def per_filter(kernel: Weight, bias: Weight | None) -> Expr:
    """`(k_h·k_w·c_in + 1)·filters`: every filter's window plus its bias, whatever the kernel's layout."""
    index = next((i for i, d in enumerate(kernel.dims) if d.letter == "filters"), None)
    if bias is None or index is None:
        return weight_plus_bias(kernel, bias)
    rest = [d for i, d in enumerate(kernel.dims) if i != index]
    inner = prod(*rest) if rest else const(1)
    return prod(add(inner, const(1)), kernel.dims[index])


def split_channels(kind: ChannelLayout, shape: Shape) -> tuple[Any, tuple[Any, ...]]:
    """(channels, spatial dims) of a batched input in the kind's data format."""
    if kind.data_format == "channels_first":
        return shape[1], tuple(shape[2:])
    return shape[-1], tuple(shape[1:-1])


def positions(kind: ChannelLayout, shape: Shape, side: str = "out") -> Expr:
    """Where a window is applied: batch × the spatial sizes of `shape` (an output or an input), lettered
    B·H_out·W_out; an unbatched PyTorch shape has no batch factor."""
    unbatched = is_unbatched(kind, shape)
    _, spatial = split_channels(kind, (None, *shape) if unbatched else shape)
    letters = ["L"] if len(spatial) == 1 else ["D", "H", "W"][3 - len(spatial):]
    lead = [] if unbatched else [Factor(shape[0], "B")]
    factors = lead + [Factor(n, f"{letter}_{side}") for n, letter in zip(spatial, letters)]
    return prod(*factors) if factors else const(1)


def window_macs(kind: ChannelLayout, shape: Shape, kernel: Weight, side: str = "out") -> Expr:
    """A kernel applied at every position of `shape`: B·H_out·W_out·(its size), e.g. ·k_h·k_w·c_in·filters."""
    return prod(positions(kind, shape, side), kernel.term())


def join_channels(kind: ChannelLayout, batch: Any, channels: Any, spatial: tuple[Any, ...]) -> Shape:
    if kind.data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def spatial_out(kind: Window, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
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

    is_spatial = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:Conv1D": {"rank": 1},
        "keras:Conv2D": {"rank": 2},
        "keras:Conv3D": {"rank": 3},
        "keras:Convolution1D": {"rank": 1, "keras_class": "Conv1D"},
        "keras:Convolution2D": {"rank": 2, "keras_class": "Conv2D"},
        "keras:Convolution3D": {"rank": 3, "keras_class": "Conv3D"},
        "torch:Conv1d": {"rank": 1},
        "torch:Conv2d": {"rank": 2},
        "torch:Conv3d": {"rank": 3},
    }
    signatures = {"keras": KERAS_CONV, "torch": TORCH_CONV}

    rank: int
    data_format: str
    filters: Dim
    c_in: Dim  # PyTorch only (in_channels)
    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any  # a Keras word or PyTorch's zeros per axis (see Window)
    groups: Dim
    use_bias: bool

    def setup(self) -> None:
        normalize_conv(self)
        if self.framework == "torch" and self.padding == "same" and any(s != 1 for s in self.strides):
            raise KindError(
                f"padding='same' is not supported with strides {self.strides}",
                hint="give the padding as a number instead, e.g. padding=kernel_size // 2",
            )
        if isinstance(self.filters, int) and isinstance(self.groups, int) and self.filters % self.groups:
            raise KindError(f"filters ({self.filters}) must be divisible by groups ({self.groups})")

    def check(self, inputs: list[Shape]) -> None:
        self.check_at_call()
        check_grouped_channels(self, inputs, "(28, 28, 1)")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return with_batch(self, inputs[0], self.batched_output_shape)

    def batched_output_shape(self, shape: Shape) -> Shape:
        _, spatial = split_channels(self, shape)
        return join_channels(self, shape[0], self.filters, spatial_out(self, spatial, shape))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "torch":
            c_in = self.c_in
        else:
            if not inputs:
                raise KindError("needs an input shape to know its input channels")
            c_in, _ = split_channels(self, inputs[0])
        ks = kernel_factors(self.kernel_size)
        depth = factor(c_in // self.groups, "c_in/groups" if self.groups != 1 else "c_in")
        filters = factor(self.filters, "filters")
        dims = (filters, depth, *ks) if self.framework == "torch" else (*ks, depth, filters)
        name = "weight" if self.framework == "torch" else "kernel"
        out = [Weight(name, dims)]
        if self.use_bias:
            out.append(Weight("bias", (filters,)))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        return per_filter(weights[0], weights[1] if len(weights) > 1 else None)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·H_out·W_out·k_h·k_w·(c_in/groups)·filters: the kernel at every output position (the bias is an add)."""
        assert not isinstance(output, list)
        return window_macs(self, output, self.weights(inputs)[0])

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """The input (for the kernel's gradient); in PyTorch, where this is measured."""
        return INPUT if self.framework == "torch" else None

    def translated(self, shape: Shape) -> Spelled | None:
        rank = self.rank
        if self.framework == "keras":
            c_in = shape[-1] if self.data_format == "channels_last" else shape[1]
            padding: Any = "same" if self.padding == "same" else 0
            return f"Conv{rank}d", [], {
                "in_channels": c_in, "out_channels": self.filters, "kernel_size": self.kernel_size,
                "stride": self.strides, "padding": padding, "dilation": self.dilation_rate, "groups": self.groups,
                "bias": self.use_bias,
            }
        pad = self.padding
        padding = pad if isinstance(pad, str) else ("valid" if not any(pad) else "same")
        return f"Conv{rank}D", [self.filters, self.kernel_size], {
            "strides": self.strides, "padding": padding, "dilation_rate": self.dilation_rate, "groups": self.groups,
            "use_bias": self.use_bias,
        }
