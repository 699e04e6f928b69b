"""Depthwise and depthwise-separable convolutions (Keras). PyTorch writes these as Conv2d with groups=c_in."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from .base import REQUIRED, ChannelLayout, Kind, factor
from .conv import (
    check_channels,
    join_channels,
    kernel_factors,
    normalize_window,
    positions,
    spatial_out,
    split_channels,
    window_macs,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_DEPTHWISE = (
    ("kernel_size", REQUIRED),
    ("strides", 1),
    ("padding", "valid"),
    ("depth_multiplier", 1),
    ("data_format", None),
    ("dilation_rate", 1),
    ("activation", None),
    ("use_bias", True),
    ("depthwise_initializer", "glorot_uniform"), ("bias_initializer", "zeros"), ("depthwise_regularizer", None),
    ("bias_regularizer", None), ("activity_regularizer", None), ("depthwise_constraint", None), ("bias_constraint", None),
)
KERAS_SEPARABLE = (
    ("filters", REQUIRED),
    ("kernel_size", REQUIRED),
    ("strides", 1),
    ("padding", "valid"),
    ("data_format", None),
    ("dilation_rate", 1),
    ("depth_multiplier", 1),
    ("activation", None),
    ("use_bias", True),
    ("depthwise_initializer", "glorot_uniform"), ("pointwise_initializer", "glorot_uniform"), ("bias_initializer", "zeros"),
    ("depthwise_regularizer", None), ("pointwise_regularizer", None), ("bias_regularizer", None),
    ("activity_regularizer", None), ("depthwise_constraint", None), ("pointwise_constraint", None), ("bias_constraint", None),
)


def input_channels(kind: ChannelLayout, inputs: list[Shape] | None) -> Any:
    if not inputs:
        raise KindError("needs an input shape to know its input channels", hint="give the model an input shape")
    c_in, _ = split_channels(kind, inputs[0])
    return c_in


class DepthwiseConv(Kind):
    """A depthwise convolution: each input channel gets its own depth_multiplier k×k windows, plus one bias per output channel.

    Output channels are c_in·depth_multiplier. Keras stores the kernel as (k..., c_in, depth_multiplier).
    """

    is_spatial = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"keras:DepthwiseConv{r}D": {"rank": r} for r in (1, 2)}
    signatures = {"keras": KERAS_DEPTHWISE}

    rank: int
    data_format: str
    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any
    depth_multiplier: Dim
    use_bias: bool

    def setup(self) -> None:
        normalize_window(self, ("valid", "same"))  # Keras allows 'causal' only for Conv1D

    def check(self, inputs: list[Shape]) -> None:
        check_channels(self, inputs, "(28, 28, 1)")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        c_in, spatial = split_channels(self, shape)
        return join_channels(self, shape[0], c_in * self.depth_multiplier, spatial_out(self, spatial, shape))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        c_in = factor(input_channels(self, inputs), "c_in")
        multiplier = factor(self.depth_multiplier, "depth_multiplier")
        out = [Weight("kernel", (*kernel_factors(self.kernel_size), c_in, multiplier))]
        if self.use_bias:
            out.append(Weight("bias", (factor(c_in.value * multiplier.value, "c_in·depth_multiplier"),)))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        *ks, c_in, multiplier = weights[0].dims
        if len(weights) == 1:
            return None
        return prod(add(prod(*ks), const(1)), *channels(c_in, multiplier))

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·H_out·W_out·k_h·k_w·c_in·depth_multiplier: each channel's own window at every output position."""
        assert not isinstance(output, list)
        return window_macs(self, output, self.weights(inputs)[0])


class SeparableConv(Kind):
    """A separable convolution: a depthwise k×k window per input channel, then a 1×1 convolution mixing channels into filters, plus one bias per filter.

    Keras stores depthwise_kernel (k..., c_in, depth_multiplier) and pointwise_kernel (1..., c_in·depth_multiplier, filters).
    """

    is_spatial = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:SeparableConv{r}D": {"rank": r} for r in (1, 2)},
        **{f"keras:SeparableConvolution{r}D": {"rank": r, "keras_class": f"SeparableConv{r}D"} for r in (1, 2)},
    }
    signatures = {"keras": KERAS_SEPARABLE}

    rank: int
    data_format: str
    filters: Dim
    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any
    depth_multiplier: Dim
    use_bias: bool

    def setup(self) -> None:
        normalize_window(self, ("valid", "same"))  # Keras allows 'causal' only for Conv1D

    def check(self, inputs: list[Shape]) -> None:
        check_channels(self, inputs, "(28, 28, 1)")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        _, spatial = split_channels(self, shape)
        return join_channels(self, shape[0], self.filters, spatial_out(self, spatial, shape))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        c_in = factor(input_channels(self, inputs), "c_in")
        multiplier = factor(self.depth_multiplier, "depth_multiplier")
        filters = factor(self.filters, "filters")
        ones = tuple(factor(1, "1") for _ in range(self.rank))
        mixed = factor(c_in.value * multiplier.value, "c_in·depth_multiplier")
        out = [
            Weight("depthwise_kernel", (*kernel_factors(self.kernel_size), c_in, multiplier)),
            Weight("pointwise_kernel", (*ones, mixed, filters)),
        ]
        if self.use_bias:
            out.append(Weight("bias", (filters,)))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        *ks, c_in, multiplier = weights[0].dims
        filters = weights[1].dims[-1]
        mixed = channels(c_in, multiplier)
        pointwise = prod(*mixed, filters)
        if len(weights) > 2:
            pointwise = prod(add(prod(*mixed), const(1)), filters)
        return add(prod(*ks, *mixed), pointwise)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·H_out·W_out·(k_h·k_w·c_in·depth_multiplier + c_in·depth_multiplier·filters): the depthwise windows,
        then the 1×1 mixing, at every output position."""
        assert not isinstance(output, list)
        weights = self.weights(inputs)
        return prod(positions(self, output), add(weights[0].term(), weights[1].term()))


def channels(c_in: Factor, multiplier: Factor) -> tuple[Factor, ...]:
    """c_in·depth_multiplier, written as just c_in when the multiplier is 1."""
    return (c_in,) if multiplier.value == 1 else (c_in, multiplier)
