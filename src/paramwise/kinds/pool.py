"""Pooling: windows that take a max, an average or a p-norm. No parameters."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim
from ..ir import Shape
from .base import INPUT, REQUIRED, Kind, Saved, conv_length, expect_rank, known_positive, shape_text, tuple_of
from .conv import check_window_rank, join_channels, layout, split_channels, with_batch

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_MAX = (("pool_size", 2), ("strides", None), ("padding", "valid"), ("data_format", None), ("name", None))
KERAS_AVG = (("pool_size", REQUIRED), *KERAS_MAX[1:])
TORCH_MAX = (
    ("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("dilation", 1), ("return_indices", False),
    ("ceil_mode", False),
)
TORCH_AVG_1D = (("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("ceil_mode", False), ("count_include_pad", True))
TORCH_AVG = (*TORCH_AVG_1D, ("divisor_override", None))
TORCH_LP = (("norm_type", REQUIRED), ("kernel_size", REQUIRED), ("stride", None), ("ceil_mode", False))


def torch_length(n: Any, k: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> Any:
    """PyTorch's pooling length, with ceil_mode's rule that the last window must start inside the input."""
    if n is None:
        return None
    span = n + 2 * pad - dilation * (k - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and isinstance(out, int) and (out - 1) * stride >= n + pad:
        out -= 1
    return out


class Pool(Kind):
    """A pooling window slid over the spatial axes: it has no parameters.

    Output size per axis: floor((n - pool) / stride) + 1 with 'valid' padding, ceil(n / stride) with 'same'.
    """

    is_spatial = True
    checked_at_call = {"torch": frozenset({"kernel_size", "stride", "padding", "dilation"})}

    rank: int
    data_format: str
    pool_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    padding: Any  # a Keras word or PyTorch's zeros per axis
    dilation: tuple[Dim, ...]  # PyTorch only
    ceil_mode: bool

    def setup(self) -> None:
        a, rank = self.attrs, self.attrs["rank"]
        if self.framework == "torch":
            a["pool_size"] = tuple_of(a["kernel_size"], rank, "kernel_size")
            stride = a["stride"] if a["stride"] not in (None, [], ()) else a["kernel_size"]
            a["strides"] = tuple_of(stride, rank, "stride")
            a["padding"] = tuple_of(a.get("padding", 0), rank, "padding")
            a["dilation"] = tuple_of(a.get("dilation", 1), rank, "dilation")
            a["data_format"] = "channels_first"
            for k, p in zip(a["pool_size"], a["padding"]):
                if isinstance(k, int) and isinstance(p, int) and p > k // 2:
                    raise KindError(f"padding should be at most half the kernel size; got padding={p}, kernel_size={k}")
        else:
            a["pool_size"] = tuple_of(a["pool_size"], rank, "pool_size")
            a["strides"] = tuple_of(a["strides"] if a["strides"] is not None else a["pool_size"], rank, "strides")
            a["padding"] = str(a["padding"]).lower()
            if a["padding"] not in ("valid", "same"):
                raise KindError(f"padding must be 'valid' or 'same'; got {a['padding']!r}")
            a["data_format"] = str(a["data_format"] or "channels_last").lower()

    def check(self, inputs: list[Shape]) -> None:
        self.check_at_call()
        check_window_rank(self, inputs)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return with_batch(self, inputs[0], self.batched_output_shape)

    def batched_output_shape(self, shape: Shape) -> Shape | list[Shape]:
        channels, spatial = split_channels(self, shape)
        result = join_channels(self, shape[0], channels, tuple(self._length(n, i, shape) for i, n in enumerate(spatial)))
        return [result, result] if self.attrs.get("return_indices") else result

    def _length(self, n: Any, i: int, shape: Shape) -> Any:
        if self.framework == "torch":
            out = torch_length(n, self.pool_size[i], self.strides[i], self.padding[i], self.dilation[i], bool(self.ceil_mode))
        else:
            out = conv_length(n, self.pool_size[i], self.strides[i], self.padding)
        if out is not None and not known_positive(out):
            raise KindError(
                f"pool window {self.pool_size} does not fit the input {shape_text(shape)}",
                hint="use padding='same' or a smaller pool_size",
            )
        return out


def _spell(pattern: str, framework: str, keras_class: str = "") -> dict[str, dict[str, Any]]:
    """Spellings for ranks 1-3; an alias records the class Keras names its layers after (MaxPool2D: MaxPooling2D)."""
    out: dict[str, dict[str, Any]] = {}
    for r in (1, 2, 3):
        fixed: dict[str, Any] = {"rank": r}
        if keras_class:
            fixed["keras_class"] = keras_class.format(r=r)
        out[f"{framework}:{pattern.format(r=r)}"] = fixed
    return out


class MaxPool(Pool):
    """Max pooling: the largest value in each window. No parameters.

    Output size per axis: floor((n - pool) / stride) + 1 with 'valid' padding, ceil(n / stride) with 'same'.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **_spell("MaxPooling{r}D", "keras"), **_spell("MaxPool{r}D", "keras", "MaxPooling{r}D"), **_spell("MaxPool{r}d", "torch"),
    }
    signatures = {"keras": KERAS_MAX, "torch": TORCH_MAX}

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch keeps the input and the int64 index of each maximum (one per output value)."""
        if self.framework != "torch" or isinstance(output, list):
            return None
        return [*INPUT, ("new", size_of(output), 8)]


class AvgPool(Pool):
    """Average pooling: the mean of each window. No parameters.

    Output size per axis: floor((n - pool) / stride) + 1 with 'valid' padding, ceil(n / stride) with 'same'.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **_spell("AveragePooling{r}D", "keras"), **_spell("AvgPool{r}D", "keras", "AveragePooling{r}D"), **_spell("AvgPool{r}d", "torch"),
    }
    signatures = {"keras": KERAS_AVG, "torch": TORCH_AVG, "torch:AvgPool1d": TORCH_AVG_1D}

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch keeps the input."""
        return INPUT if self.framework == "torch" else None


class LPPool(Pool):
    """Power-average pooling: the p-norm of each window (PyTorch LPPool). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:LPPool{r}d": {"rank": r} for r in (1, 2, 3)}
    signatures = {"torch": TORCH_LP}


class GlobalPool(Kind):
    """Global pooling: one max or average per channel over all spatial positions. No parameters."""

    flattens = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:GlobalMaxPooling{r}D": {"rank": r, "op": "max"} for r in (1, 2, 3)},
        **{f"keras:GlobalAveragePooling{r}D": {"rank": r, "op": "average"} for r in (1, 2, 3)},
        **{f"keras:GlobalMaxPool{r}D": {"rank": r, "op": "max", "keras_class": f"GlobalMaxPooling{r}D"} for r in (1, 2, 3)},
        **{
            f"keras:GlobalAvgPool{r}D": {"rank": r, "op": "average", "keras_class": f"GlobalAveragePooling{r}D"}
            for r in (1, 2, 3)
        },
    }
    signatures = {"keras": (("data_format", None), ("keepdims", False))}

    rank: int
    data_format: str
    keepdims: bool

    def setup(self) -> None:
        self.attrs["data_format"] = str(self.attrs["data_format"] or "channels_last").lower()

    def check(self, inputs: list[Shape]) -> None:
        expect_rank(inputs, self.rank + 2, layout(self.rank, self.data_format))

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        channels, spatial = split_channels(self, shape)
        if self.keepdims:
            return join_channels(self, shape[0], channels, (1,) * len(spatial))
        return (shape[0], channels)


class AdaptivePool(Kind):
    """Adaptive pooling: windows sized so the output has exactly `output_size` positions per axis. No parameters.

    PyTorch accepts None in output_size to keep that axis's input size.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **_spell("AdaptiveAveragePooling{r}D", "keras"), **_spell("AdaptiveMaxPooling{r}D", "keras"),
        **_spell("AdaptiveAvgPool{r}d", "torch"), **_spell("AdaptiveMaxPool{r}d", "torch"),
    }
    signatures = {
        "keras": (("output_size", REQUIRED), ("data_format", None)),
        "torch": (("output_size", REQUIRED), ("return_indices", False)),
        **{f"torch:AdaptiveAvgPool{r}d": (("output_size", REQUIRED),) for r in (1, 2, 3)},  # no return_indices
    }

    rank: int
    data_format: str
    output_size: tuple[Dim, ...]  # None keeps an axis

    def setup(self) -> None:
        a = self.attrs
        a["output_size"] = tuple_of(a["output_size"], a["rank"], "output_size")
        a["data_format"] = "channels_first" if self.framework == "torch" else str(a["data_format"] or "channels_last").lower()

    def check(self, inputs: list[Shape]) -> None:
        check_window_rank(self, inputs)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return with_batch(self, inputs[0], self.batched_output_shape)

    def batched_output_shape(self, shape: Shape) -> Shape | list[Shape]:
        channels, spatial = split_channels(self, shape)
        sizes = tuple(n if size is None else size for size, n in zip(self.output_size, spatial))
        result = join_channels(self, shape[0], channels, sizes)
        return [result, result] if self.attrs.get("return_indices") else result

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """Adaptive average pooling: PyTorch keeps nothing (the backward needs only the input's shape)."""
        return [] if self.framework == "torch" and self.type_name.startswith("AdaptiveAvg") else None


def size_of(shape: Shape) -> Dim:
    n: Dim = 1
    for d in shape:
        n = n * d
    return n


class MaxUnpool(Kind):
    """PyTorch's MaxUnpool1d/2d/3d: each value put back where its max came from (the indices a MaxPool with
    return_indices=True gave), zeros elsewhere. No parameters. Each spatial length is (n - 1)·stride - 2·padding +
    kernel_size; a call's `output_size=` picks another within a stride of it (kept as attrs["output_size"])."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:MaxUnpool{r}d": {"rank": r} for r in (1, 2, 3)}
    signatures = {"torch": (("kernel_size", REQUIRED), ("stride", None), ("padding", 0))}
    n_inputs = (2, 2)  # the input and the indices
    output_size_at = 2  # forward(input, indices, output_size=None)

    rank: int
    data_format: str
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]

    def setup(self) -> None:
        a = self.attrs
        a["kernel_size"] = tuple_of(a["kernel_size"], a["rank"], "kernel_size")
        a["stride"] = tuple_of(a["stride"], a["rank"], "stride") if a["stride"] is not None else a["kernel_size"]
        a["padding"] = tuple_of(a["padding"], a["rank"], "padding")
        a["data_format"] = "channels_first"

    def check(self, inputs: list[Shape]) -> None:
        check_window_rank(self, inputs)
        if tuple(inputs[1]) != tuple(inputs[0]):
            raise KindError(f"takes indices of the input's shape {shape_text(inputs[0])}; got {shape_text(inputs[1])}",
                            hint="pass the indices the MaxPool with return_indices=True gave for this input")

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return with_batch(self, inputs[0], self.batched_output_shape)

    def sized(self, inputs: list[Shape], wanted: tuple[int, ...]) -> Kind | None:
        """`output_size=`: any size within a stride of the default one, as F.max_unpool takes it."""
        default = self.output_shape([inputs[0], inputs[0]])
        assert isinstance(default, tuple)
        made = default[len(default) - self.rank:]
        if not all(type(m) is int and abs(w - m) < s for w, m, s in zip(wanted, made, self.stride)):
            return None
        return type(self)(self.framework, self.type_name, {**self.attrs, "output_size": wanted})

    def batched_output_shape(self, shape: Shape) -> Shape:
        channels, spatial = split_channels(self, shape)
        given = self.attrs.get("output_size")  # a call's output_size= (spatial sizes), see the torch reader
        sizes = tuple(given) if given is not None else tuple(
            None if n is None else (n - 1) * s - 2 * p + k
            for n, k, s, p in zip(spatial, self.kernel_size, self.stride, self.padding))
        return join_channels(self, shape[0], channels, sizes)
