"""Layers that grow or shrink the spatial axes without weights: padding, cropping, upsampling, pixel shuffle,
unfold and fold."""

from __future__ import annotations

import math

from ..errors import BadValue, KindError
from ..formula import Dim, exact, floor_of
from ..ir import Shape
from .base import REQUIRED, Kind, conv_length, expect_min_rank, known_positive, shape_text, tuple_of
from .conv import check_window_rank, join_channels, split_channels
from .values import WINDOW, describe, integer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

PADS = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")


def keras_pairs(value: Any, rank: int, what: str) -> tuple[tuple[Any, Any], ...]:
    """Keras' padding/cropping forms: `1`, `(1, 2)` (one per axis; 1-D: before, after) or `((1, 1), (2, 2))`."""
    if rank == 1:
        pair = tuple_of(value, 2, what)
        return ((pair[0], pair[1]),)
    if not isinstance(value, (list, tuple)):
        return ((value, value),) * rank
    if len(value) != rank:
        raise KindError(f"{what} must have {rank} entries; got {tuple(value)}")
    return tuple(tuple_of(v, 2, what) if isinstance(v, (list, tuple)) else (v, v) for v in value)


def torch_pairs(value: Any, rank: int) -> tuple[tuple[Any, Any], ...]:
    """PyTorch's form: `1`, or (left, right, top, bottom, front, back) starting from the last axis, each a whole
    number (F.pad refuses a nested tuple: "pad(): argument 'pad' must be tuple of ints")."""
    flat = tuple_of(value, 2 * rank, "padding")
    if not all(integer(n) for n in flat):
        raise BadValue("padding", f"a whole number or {2 * rank} of them (before and after each axis, the last first)",
                       value, describe(value))
    pairs = [(flat[2 * i], flat[2 * i + 1]) for i in range(rank)]
    return tuple(reversed(pairs))  # first spatial axis first


def grow(n: Any, before: Any, after: Any) -> Any:
    return None if n is None else n + before + after


class SpatialLayer(Kind):
    """Shared plumbing: a Keras layer with data_format, or a PyTorch module acting on the last `rank` axes."""

    rank: int  # except PyTorch's Upsample: None, every axis after (batch, c) (Upsample.spatial_rank)
    data_format: str

    def setup(self) -> None:
        if self.framework == "torch":
            self.attrs["data_format"] = "channels_first"
        else:
            self.attrs["data_format"] = str(self.attrs.get("data_format") or "channels_last").lower()

    def check(self, inputs: list[Shape]) -> None:
        check_window_rank(self, inputs)

    def spatial_rank(self, shape: Shape) -> int:
        rank: int = self.rank
        return rank

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if self.framework == "torch":
            rank = self.spatial_rank(shape)
            lead, spatial = shape[: len(shape) - rank], shape[len(shape) - rank :]
            return (*lead, *self.resize(tuple(spatial), shape))
        channels, spatial = split_channels(self, shape)
        return join_channels(self, shape[0], channels, self.resize(tuple(spatial), shape))

    def resize(self, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
        return spatial


class Pad(SpatialLayer):
    """Padding: adds rows and columns (zeros, a constant, a reflection or a copy of the edge) around the spatial axes. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:ZeroPadding{r}D": {"rank": r} for r in (1, 2, 3)},
        **{f"torch:{name}{r}d": {"rank": r} for name in PADS for r in (1, 2, 3)},
    }
    signatures = {
        "keras": (("padding", 1), ("data_format", None)),
        "keras:ZeroPadding2D": (("padding", (1, 1)), ("data_format", None)),
        "keras:ZeroPadding3D": (("padding", ((1, 1), (1, 1), (1, 1))), ("data_format", None)),
        "torch": (("padding", REQUIRED),),
        **{f"torch:ConstantPad{r}d": (("padding", REQUIRED), ("value", REQUIRED)) for r in (1, 2, 3)},
    }

    pairs: tuple[tuple[Dim, Dim], ...]

    def setup(self) -> None:
        super().setup()
        rank = self.attrs["rank"]
        pad = self.attrs["padding"]
        self.attrs["pairs"] = torch_pairs(pad, rank) if self.framework == "torch" else keras_pairs(pad, rank, "padding")

    def resize(self, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
        out = tuple(grow(n, a, b) for n, (a, b) in zip(spatial, self.pairs))
        if any(n is not None and not known_positive(n) for n in out):
            raise KindError(f"padding {self.attrs['padding']} leaves nothing of the input {shape_text(shape)}")
        return out


class Crop(SpatialLayer):
    """Cropping: removes rows and columns from the edges of the spatial axes. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"keras:Cropping{r}D": {"rank": r} for r in (1, 2, 3)}
    signatures = {
        "keras": (("cropping", ((1, 1), (1, 1), (1, 1))), ("data_format", None)),
        "keras:Cropping1D": (("cropping", (1, 1)),),
        "keras:Cropping2D": (("cropping", ((0, 0), (0, 0))), ("data_format", None)),
    }

    pairs: tuple[tuple[Dim, Dim], ...]

    def setup(self) -> None:
        super().setup()
        self.attrs["pairs"] = keras_pairs(self.attrs["cropping"], self.attrs["rank"], "cropping")

    def resize(self, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
        out = tuple(grow(n, -a, -b) for n, (a, b) in zip(spatial, self.pairs))
        if any(n is not None and not known_positive(n) for n in out):
            raise KindError(
                f"cropping {self.attrs['cropping']} removes all of the input {shape_text(shape)}",
                hint="crop less than the input's size on each axis",
            )
        return out


class Upsample(SpatialLayer):
    """Upsampling: repeats (or interpolates) each position `size` times per spatial axis. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:UpSampling{r}D": {"rank": r} for r in (1, 2, 3)},
        "torch:Upsample": {"rank": None},
        "torch:UpsamplingNearest2d": {"rank": 2},
        "torch:UpsamplingBilinear2d": {"rank": 2},
    }
    signatures = {
        "keras": (("size", 2),),
        "keras:UpSampling2D": (("size", (2, 2)), ("data_format", None), ("interpolation", "nearest")),
        "keras:UpSampling3D": (("size", (2, 2, 2)), ("data_format", None)),
        "torch": (("size", None), ("scale_factor", None), ("mode", "nearest"), ("align_corners", None),
                  ("recompute_scale_factor", None)),
        "torch:UpsamplingNearest2d": (("size", None), ("scale_factor", None)),
        "torch:UpsamplingBilinear2d": (("size", None), ("scale_factor", None)),
    }

    size: Any  # a size or a tuple of them, or None
    scale_factor: Any  # a number or a tuple of them, or None

    def setup(self) -> None:
        super().setup()
        if self.framework == "torch" and (self.attrs["size"] is None) == (self.attrs["scale_factor"] is None):
            raise KindError("needs exactly one of size and scale_factor", hint="e.g. Upsample(scale_factor=2)")
        if self.framework == "keras" and self.attrs["size"] is None:  # torch's Upsample may leave it to scale_factor
            raise BadValue("size", WINDOW, None, "None")

    def check(self, inputs: list[Shape]) -> None:
        if self.framework == "torch":
            rank = self.rank or len(inputs[0]) - 2
            if rank < 1 or (self.rank is not None and len(inputs[0]) != self.rank + 2):
                raise KindError(f"expects a batched input (batch, c, ...); got {shape_text(inputs[0])}")
            return
        super().check(inputs)

    def spatial_rank(self, shape: Shape) -> int:
        return self.rank if self.rank is not None else len(shape) - 2  # Upsample: every axis after (batch, c)

    def resize(self, spatial: tuple[Any, ...], shape: Shape) -> tuple[Any, ...]:
        rank = len(spatial)
        if self.framework == "torch" and self.size is not None:
            return tuple_of(self.size, rank, "size")
        factors = tuple_of(self.scale_factor if self.framework == "torch" else self.size, rank, "scale_factor")
        return tuple(scaled(n, f) for n, f in zip(spatial, factors))


def scaled(n: Any, f: Any) -> Any:
    """floor(n·f), as PyTorch computes an interpolated size."""
    if n is None:
        return None
    if isinstance(f, int):
        return n * f
    if isinstance(n, int):
        return math.floor(n * f)
    return floor_of(exact(n) * exact(f))  # a symbolic size: keep the floor in the formula


class PixelShuffle(Kind):
    """Pixel shuffle: moves channels into space, (*, c·r², h, w) -> (*, c, h·r, w·r); unshuffle does the reverse. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "torch:PixelShuffle": {"inverse": False},
        "torch:PixelUnshuffle": {"inverse": True},
    }
    signatures = {
        "torch:PixelShuffle": (("upscale_factor", REQUIRED),),
        "torch:PixelUnshuffle": (("downscale_factor", REQUIRED),),
    }

    inverse: bool
    upscale_factor: Dim
    downscale_factor: Dim

    def check(self, inputs: list[Shape]) -> None:
        expect_min_rank(inputs, 3, hint="give it a (c, h, w) or (batch, c, h, w) input")
        r = self.factor
        c, h, w = inputs[0][-3:]
        if not self.inverse and isinstance(c, int) and c % (r * r):
            raise KindError(f"input channels ({c}) must be divisible by upscale_factor² ({r * r})")
        if self.inverse and any(isinstance(n, int) and n % r for n in (h, w)):
            raise KindError(f"height and width ({h}, {w}) must be divisible by downscale_factor ({r})")

    @property
    def factor(self) -> Any:
        return self.downscale_factor if self.inverse else self.upscale_factor

    def output_shape(self, inputs: list[Shape]) -> Shape:
        *lead, c, h, w = inputs[0]
        r = self.factor
        if self.inverse:
            return (*lead, mul(c, r * r), div(h, r), div(w, r))
        return (*lead, div(c, r * r), mul(h, r), mul(w, r))


def mul(n: Any, r: Any) -> Any:
    return None if n is None else n * r


def div(n: Any, r: Any) -> Any:
    return None if n is None else n // r


class Unfold(Kind):
    """Unfold: slides a window over the spatial axes and lays each window out as a column, (N, C, H, W) ->
    (N, C·kh·kw, L) with L the number of window positions; Fold puts columns back, summing overlaps,
    (N, C·kh·kw, L) -> (N, C, h, w). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Unfold": {"fold": False}, "torch:Fold": {"fold": True}}
    signatures = {
        "torch:Unfold": (("kernel_size", REQUIRED), ("dilation", 1), ("padding", 0), ("stride", 1)),
        "torch:Fold": (("output_size", REQUIRED), ("kernel_size", REQUIRED), ("dilation", 1), ("padding", 0),
                       ("stride", 1)),
    }

    fold: bool
    kernel_size: tuple[Dim, ...]
    dilation: tuple[Dim, ...]
    padding: tuple[Dim, ...]
    stride: tuple[Dim, ...]
    output_size: tuple[Dim, ...]

    def setup(self) -> None:
        for name in ("kernel_size", "dilation", "padding", "stride") + (("output_size",) if self.fold else ()):
            self.attrs[name] = tuple_of(self.attrs[name], 2, name)

    def positions(self, spatial: tuple[Any, ...]) -> Any:
        total: Any = 1
        for i, size in enumerate(spatial):
            n = conv_length(size, self.kernel_size[i], self.stride[i], self.padding[i], self.dilation[i])
            if n is None:
                return None
            if not known_positive(n):
                raise KindError(f"the window {shape_text(self.kernel_size)} does not fit the size {size} of axis {i}")
            total = total * n
        return total

    def check(self, inputs: list[Shape]) -> None:
        rank = len(inputs[0])
        if self.fold and rank not in (2, 3):
            raise KindError(f"Fold takes a (N, C·k, L) or (C·k, L) input; got {shape_text(inputs[0])}")
        if self.fold:
            blocks, got = self.positions(self.output_size), inputs[0][-1]
            if isinstance(blocks, int) and isinstance(got, int) and blocks != got:
                raise KindError(f"Fold to {shape_text(self.output_size)} with this window takes {blocks} columns; "
                                f"got {got}", hint="output_size, kernel_size and stride must match the Unfold")
        if not self.fold and rank not in (3, 4):
            raise KindError(f"Unfold takes a (N, C, H, W) or (C, H, W) input; got {shape_text(inputs[0])}",
                            hint="give it a 4-D batch of images")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        window = self.kernel_size[0] * self.kernel_size[1]
        if self.fold:
            *lead, ck, _ = shape
            return (*lead, None if ck is None else ck // window, *self.output_size)
        *lead, c, h, w = shape
        return (*lead, None if c is None else c * window, self.positions((h, w)))
