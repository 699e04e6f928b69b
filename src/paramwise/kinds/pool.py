"""Pooling: windows that take a max or an average. No parameters."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import KindError
from ..ir import Shape
from .base import Kind, conv_length, expect_rank, known_positive, shape_text, tuple_of
from .conv import join_channels, layout, split_channels

KERAS_POOL = (("pool_size", 2), ("strides", None), ("padding", "valid"), ("data_format", None))
TORCH_POOL = (("kernel_size", None), ("stride", None), ("padding", 0), ("dilation", 1), ("return_indices", False), ("ceil_mode", False))
TORCH_AVG = (("kernel_size", None), ("stride", None), ("padding", 0), ("ceil_mode", False), ("count_include_pad", True))


def _spell(prefix: str, names: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for rank in (1, 2, 3):
        for framework, pattern in names.items():
            out[f"{framework}:{pattern.format(rank=rank)}"] = {"rank": rank, "op": prefix}
    return out


class Pool(Kind):
    """A pooling window (max or average) slid over the spatial axes: it has no parameters.

    Output size per axis: floor((n - pool) / stride) + 1 with 'valid' padding, ceil(n / stride) with 'same'.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **_spell("max", {"keras": "MaxPooling{rank}D", "torch": "MaxPool{rank}d"}),
        **_spell("average", {"keras": "AveragePooling{rank}D", "torch": "AvgPool{rank}d"}),
        **{f"keras:MaxPool{r}D": {"rank": r, "op": "max"} for r in (1, 2, 3)},
        **{f"keras:AvgPool{r}D": {"rank": r, "op": "average"} for r in (1, 2, 3)},
    }
    signatures = {"keras": KERAS_POOL, "torch": TORCH_POOL}

    def setup(self) -> None:
        a, rank = self.attrs, self.attrs["rank"]
        if self.framework == "torch":
            a["pool_size"] = tuple_of(a["kernel_size"], rank, "kernel_size")
            stride = a["stride"] if a["stride"] is not None else a["kernel_size"]
            a["strides"] = tuple_of(stride, rank, "stride")
            a["padding"] = tuple_of(a["padding"], rank, "padding")
            a["dilation"] = tuple_of(a.get("dilation", 1), rank, "dilation")
            a["data_format"] = "channels_first"
        else:
            a["pool_size"] = tuple_of(a["pool_size"], rank, "pool_size")
            a["strides"] = tuple_of(a["strides"] if a["strides"] is not None else a["pool_size"], rank, "strides")
            a["padding"] = str(a["padding"]).lower()
            a["data_format"] = a["data_format"] or "channels_last"

    def check(self, inputs: list[Shape]) -> None:
        if self.framework == "torch" and len(inputs[0]) == self.rank + 1:
            return
        expect_rank(inputs, self.rank + 2, layout(self.rank, self.data_format))

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        if self.framework == "torch" and len(shape) == self.rank + 1:
            return self.output_shape([(None, *shape)])[1:]
        channels, spatial = split_channels(self, shape)
        out = []
        for i, n in enumerate(spatial):
            out.append(self._length(n, i, shape))
        return join_channels(self, shape[0], channels, tuple(out))

    def _length(self, n: Any, i: int, shape: Shape) -> Any:
        if self.framework == "torch":
            pad, dil = self.padding[i], self.dilation[i]
            if n is None:
                return None
            span = n + 2 * pad - dil * (self.pool_size[i] - 1) - 1
            out = (-(-span // self.strides[i]) if self.ceil_mode else span // self.strides[i]) + 1
            if self.ceil_mode and isinstance(out, int) and (out - 1) * self.strides[i] >= n + pad:
                out -= 1
        else:
            out = conv_length(n, self.pool_size[i], self.strides[i], self.padding)
        if out is not None and not known_positive(out):
            raise KindError(
                f"pool window {self.pool_size} does not fit the input {shape_text(shape)}",
                hint="use padding='same' or a smaller pool_size",
            )
        return out


class GlobalPool(Kind):
    """Global pooling: one max or average per channel over all spatial positions. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:GlobalMaxPooling{r}D": {"rank": r, "op": "max"} for r in (1, 2, 3)},
        **{f"keras:GlobalAveragePooling{r}D": {"rank": r, "op": "average"} for r in (1, 2, 3)},
        **{f"keras:GlobalMaxPool{r}D": {"rank": r, "op": "max"} for r in (1, 2, 3)},
        **{f"keras:GlobalAvgPool{r}D": {"rank": r, "op": "average"} for r in (1, 2, 3)},
    }
    signatures = {"keras": (("data_format", None), ("keepdims", False))}

    def setup(self) -> None:
        self.attrs["data_format"] = self.attrs["data_format"] or "channels_last"

    def check(self, inputs: list[Shape]) -> None:
        expect_rank(inputs, self.rank + 2, layout(self.rank, self.data_format))

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        channels, spatial = split_channels(self, shape)
        if self.keepdims:
            return join_channels(self, shape[0], channels, (1,) * len(spatial))
        return (shape[0], channels)
