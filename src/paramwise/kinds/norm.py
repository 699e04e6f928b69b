"""Normalization layers: batch, layer, RMS, group, instance, unit and local-response normalization.

Keras and PyTorch disagree on what a running statistic is: Keras counts BatchNormalization's
moving_mean/moving_variance as non-trainable parameters, PyTorch keeps running_mean/running_var/
num_batches_tracked as buffers. The spelling sets `stats_as` to "non_trainable" or "buffers".
"""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, const, prod
from ..frozen import replace
from ..ir import Shape, Weight
from .base import INPUT, REQUIRED, ZERO, Affine, Kind, Saved, Spelled, factor, shape_text, signature
from .values import describe, integer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_BATCH_NORM = signature(
    "axis momentum epsilon center scale beta_initializer gamma_initializer moving_mean_initializer "
    "moving_variance_initializer beta_regularizer gamma_regularizer beta_constraint gamma_constraint renorm "
    "renorm_clipping renorm_momentum synchronized",
    axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, renorm=False,
)
TORCH_BATCH_NORM = signature(
    "num_features eps momentum affine track_running_stats device dtype bias",
    num_features=REQUIRED, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True,
)
TORCH_INSTANCE_NORM = signature(
    "num_features eps momentum affine track_running_stats device dtype bias",
    num_features=REQUIRED, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, bias=True,
)


def keras_axis_size(shape: Shape, axis: int, what: str = "the normalized axis") -> Any:
    """The size of `axis` in a Keras input, which must be known (Keras' InputSpec rule)."""
    if not -len(shape) <= axis < len(shape):
        raise KindError(f"axis {axis} is out of bounds for an input of shape {shape_text(shape)}")
    size = shape[axis]
    if size is None:
        raise KindError(f"needs a known size for {what} (axis {axis}); got {shape_text(shape)}")
    return size


def affine_weights(kind: Affine, channels: Any, letter: str = "c") -> list[Weight]:
    """Scale and shift per channel: Keras gamma/beta, PyTorch weight/bias."""
    c = factor(channels, letter)
    names = ("weight", "bias") if kind.framework == "torch" else ("gamma", "beta")
    out = [Weight(names[0], (c,))] if kind.use_scale else []
    return out + ([Weight(names[1], (c,))] if kind.use_center else [])


def running_stats(kind: BatchNorm, channels: Any) -> list[Weight]:
    c = factor(channels, "c")
    if kind.stats_as == "buffers":
        return [
            Weight("running_mean", (c,), trainable=False, is_buffer=True),
            Weight("running_var", (c,), trainable=False, is_buffer=True),
            Weight("num_batches_tracked", (), trainable=False, is_buffer=True, bytes_per_value=8),
        ]
    names = ["moving_mean", "moving_variance"] + (["moving_stddev", "renorm_mean", "renorm_stddev"] if kind.renorm else [])
    return [Weight(n, (c,), trainable=False) for n in names]


def times_channels(weights: list[Weight]) -> Expr | None:
    """`n·c` when every parameter is one vector of c values."""
    params = [w for w in weights if not w.is_buffer]
    if len(params) < 2 or any(len(w.dims) != 1 or w.dims[0] != params[0].dims[0] for w in params):
        return None
    return prod(const(len(params)), params[0].dims[0])


class BatchNorm(Kind):
    """Batch normalization: per channel, a learned scale and shift, plus a running mean and variance
    kept for inference.

    Keras normalizes `axis` (the last by default); PyTorch the channel axis 1 of (batch, c, ...).
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:BatchNormalization": {"stats_as": "non_trainable"},
        "torch:BatchNorm1d": {"stats_as": "buffers", "ranks": (2, 3)},
        "torch:BatchNorm2d": {"stats_as": "buffers", "ranks": (4,)},
        "torch:BatchNorm3d": {"stats_as": "buffers", "ranks": (5,)},
    }
    signatures = {"keras": KERAS_BATCH_NORM, "torch": TORCH_BATCH_NORM}

    num_features: Dim
    ranks: tuple[int, ...]  # PyTorch: the input ranks it takes
    axis: Any  # Keras: an int, or a tuple of ints (tf.keras 2.x)
    stats_as: str
    use_scale: bool
    use_center: bool
    track: bool
    renorm: bool

    def setup(self) -> None:
        a = self.attrs
        if self.framework == "torch":
            a.update(use_scale=bool(a["affine"]), use_center=bool(a["affine"]) and bool(a["bias"]))
            a.update(track=bool(a["track_running_stats"]), renorm=False)
        else:
            if isinstance(a["axis"], (list, tuple)) and len(a["axis"]) == 1:
                a["axis"] = a["axis"][0]
            elif isinstance(a["axis"], (list, tuple)) and all(isinstance(x, int) for x in a["axis"]):
                a["axis"] = tuple(a["axis"])  # tf.keras 2.x: several axes, weights shaped like the input
            elif not isinstance(a["axis"], int):
                raise KindError(f"axis must be an integer or a list of integers; got {a['axis']!r}", hint="e.g. axis=-1")
            a.update(use_scale=bool(a["scale"]), use_center=bool(a["center"]), track=True)
            a["renorm"] = bool(a["renorm"])

    def channel_axis(self, shape: Shape) -> int:
        if len(shape) not in self.ranks:
            want = " or ".join(f"{r}-D" for r in self.ranks)
            raise KindError(f"expects a {want} input (batch, c, ...); got {shape_text(shape)}")
        return 1

    def check(self, inputs: list[Shape]) -> None:
        shape = inputs[0]
        if self.framework == "keras":
            for axis in self.axis if isinstance(self.axis, tuple) else (self.axis,):
                keras_axis_size(shape, axis)
            return
        axis = self.channel_axis(shape)
        got = shape[axis]
        if isinstance(got, int) and got != self.num_features and (self.use_scale or self.track):
            raise KindError(
                f"expects {self.num_features} channels on axis {axis}; got {shape_text(shape)}",
                hint=f"set num_features={got}, or check the layer before it",
            )

    def channels(self, inputs: list[Shape] | None) -> Any:
        if self.framework == "torch":
            return self.num_features
        if not inputs:
            raise KindError("needs an input shape to know its channels", hint="give the model an input shape")
        return keras_axis_size(inputs[0], self.axis)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a normalization: means, variances and a scale and shift per value, no matrix product."""
        return ZERO

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch (training) keeps the input and each channel's batch mean and inverse deviation."""
        if self.framework != "torch" or type(self) is not BatchNorm or len(inputs[0]) < 2:
            return None
        return [*INPUT, ("new", 2 * inputs[0][1], 4)]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if isinstance(self.attrs.get("axis"), tuple) and inputs:
            return self.multi_axis_weights(inputs[0])
        channels = self.channels(inputs)
        stats = running_stats(self, channels) if self.track else []
        return affine_weights(self, channels) + stats

    def multi_axis_weights(self, shape: Shape) -> list[Weight]:
        """tf.keras 2.x with several axes: each weight has the input's rank, 1 on every other axis."""
        axes = {a % len(shape) for a in self.axis}
        dims = tuple(factor(keras_axis_size(shape, i), "c") if i in axes else const(1) for i in range(len(shape)))
        one = affine_weights(self, 1) + (running_stats(self, 1) if self.track else [])
        return [replace(w, dims=dims) for w in one]

    def formula(self, weights: list[Weight]) -> Expr | None:
        return times_channels(weights)

    def note(self) -> str:
        return (
            "Keras counts moving_mean/moving_variance as non-trainable parameters; PyTorch keeps "
            "running_mean/running_var/num_batches_tracked as buffers, not parameters"
        )

    def translated(self, shape: Shape) -> Spelled | None:
        if self.framework == "keras":
            channels = shape[self.axis]
            rank = {2: 1, 3: 1, 4: 2, 5: 3}.get(len(shape), 2)
            affine = bool(self.use_scale or self.use_center)
            return f"BatchNorm{rank}d", [channels], {"affine": affine}
        return "BatchNormalization", [], {"axis": -1, "center": self.use_center, "scale": self.use_scale}


class InstanceNorm(BatchNorm):
    """Instance normalization: normalizes each sample's channels on their own; by default PyTorch gives
    it no learned scale or shift (affine=False) and no running statistics."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "torch:InstanceNorm1d": {"stats_as": "buffers", "ranks": (2, 3)},
        "torch:InstanceNorm2d": {"stats_as": "buffers", "ranks": (3, 4)},
        "torch:InstanceNorm3d": {"stats_as": "buffers", "ranks": (4, 5)},
    }
    signatures = {"torch": TORCH_INSTANCE_NORM}

    def channel_axis(self, shape: Shape) -> int:
        super().channel_axis(shape)
        return 1 if len(shape) == self.ranks[-1] else 0  # an unbatched input is (c, ...)

    def note(self) -> str:
        return (
            "PyTorch's InstanceNorm has no weights unless affine=True and keeps running statistics as buffers; "
            "Keras has no InstanceNorm (GroupNormalization(groups=-1) is the same, with gamma and beta)"
        )

    def translated(self, shape: Shape) -> Spelled | None:
        return None  # BatchNorm's spelling would count another layer


def check_keras_axes(kind: Kind) -> None:
    """Keras' norms take `axis` as one axis or a list of them (None is a TypeError in Keras, as in Layer-, RMS-,
    Group- and UnitNormalization)."""
    axis = kind.attrs["axis"]
    if not (integer(axis) or isinstance(axis, (list, tuple)) and axis and all(integer(x) for x in axis)):
        raise BadValue("axis", "an axis (a whole number) or a list of them", axis, describe(axis))


def normalized_dims(kind: LayerNorm, inputs: list[Shape] | None) -> tuple[Any, ...]:
    """The sizes a layer norm learns one value for: Keras' `axis` sizes or PyTorch's normalized_shape."""
    if kind.framework == "torch":
        shape = kind.normalized_shape
        return tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)
    if not inputs:
        raise KindError("needs an input shape to know the normalized axes", hint="give the model an input shape")
    axes = kind.axis if isinstance(kind.axis, (list, tuple)) else [kind.axis]
    rank = len(inputs[0])
    return tuple(keras_axis_size(inputs[0], a) for a in sorted(a % rank if -rank <= a < rank else a for a in axes))


def check_trailing(kind: LayerNorm, shape: Shape) -> None:
    """PyTorch normalizes the trailing axes, which must equal normalized_shape."""
    want = normalized_dims(kind, None)
    got = shape[len(shape) - len(want):] if len(shape) >= len(want) else None
    if got is None or any(isinstance(g, int) and g != w for g, w in zip(got, want)):
        raise KindError(
            f"expects an input ending in {shape_text(want)} (normalized_shape); got {shape_text(shape)}",
            hint="normalized_shape must match the last axes of the input, e.g. LayerNorm(d_model)",
        )


def dims_factors(dims: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(dims) == 1:
        return (factor(dims[0], "d"),)
    return tuple(factor(d, f"d{i + 1}") for i, d in enumerate(dims))


class LayerNorm(Kind):
    """Layer normalization: normalizes each sample over its feature axes, then applies a learned scale
    and shift of one value per feature."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:LayerNormalization": {}, "torch:LayerNorm": {}}
    signatures = {
        "keras": signature(
            "axis epsilon center scale beta_initializer gamma_initializer beta_regularizer gamma_regularizer "
            "beta_constraint gamma_constraint rms_scaling",
            axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
        ),
        "torch": signature(
            "normalized_shape eps elementwise_affine bias device dtype",
            normalized_shape=REQUIRED, eps=1e-5, elementwise_affine=True, bias=True,
        ),
    }

    normalized_shape: Any  # PyTorch: a size or a tuple of sizes
    axis: Any  # Keras: an int or a list of ints
    use_scale: bool
    use_center: bool

    def setup(self) -> None:
        a = self.attrs
        if self.framework == "torch":
            a.update(use_scale=bool(a["elementwise_affine"]), use_center=bool(a["elementwise_affine"]) and bool(a["bias"]))
        else:  # Keras' deprecated rms_scaling keeps gamma and drops beta
            check_keras_axes(self)
            rms = bool(a.get("rms_scaling"))
            a.update(use_scale=bool(a["scale"]) or rms, use_center=bool(a["center"]) and not rms)

    def check(self, inputs: list[Shape]) -> None:
        if self.framework == "torch":
            check_trailing(self, inputs[0])
        else:
            normalized_dims(self, inputs)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a normalization: means, variances and a scale and shift per value, no matrix product."""
        return ZERO

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch keeps the input and the mean and inverse deviation of each normalized row."""
        if self.framework != "torch" or type(self) is not LayerNorm:
            return None
        width = len(self.normalized_shape) if isinstance(self.normalized_shape, (tuple, list)) else 1
        rows: Dim = 1
        for d in inputs[0][: len(inputs[0]) - width]:
            rows = rows * d
        return [*INPUT, ("new", 2 * rows, 4)]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        dims = dims_factors(normalized_dims(self, inputs))
        names = ("weight", "bias") if self.framework == "torch" else ("gamma", "beta")
        out = [Weight(names[0], dims)] if self.use_scale else []
        return out + ([Weight(names[1], dims)] if self.use_center else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        return times_channels(weights)

    def note(self) -> str:
        return (
            "Keras normalizes `axis` (default the last) and names the weights gamma/beta; PyTorch normalizes the "
            "trailing normalized_shape and names them weight/bias (bias=False drops the shift)"
        )

    def translated(self, shape: Shape) -> Spelled | None:
        if self.framework == "keras":
            return "LayerNorm", [shape[-1]], {"elementwise_affine": bool(self.use_scale), "bias": bool(self.use_center)}
        return "LayerNormalization", [], {"axis": -1, "center": self.use_center, "scale": self.use_scale}


class RMSNorm(LayerNorm):
    """RMS normalization: divides each sample by the root mean square of its features, then applies a
    learned scale of one value per feature (no shift)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:RMSNormalization": {}, "torch:RMSNorm": {}}
    signatures = {
        "keras": signature("axis epsilon", axis=-1, epsilon=1e-6),
        "torch": signature("normalized_shape eps elementwise_affine device dtype", normalized_shape=REQUIRED, elementwise_affine=True),
    }

    def setup(self) -> None:
        if self.framework == "keras":
            check_keras_axes(self)
        scaled = bool(self.attrs["elementwise_affine"]) if self.framework == "torch" else True
        self.attrs.update(use_scale=scaled, use_center=False)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        dims = dims_factors(normalized_dims(self, inputs))
        name = "weight" if self.framework == "torch" else "scale"
        return [Weight(name, dims)] if self.use_scale else []

    def note(self) -> str:
        return "Keras names the scale `scale` and always learns it; PyTorch names it `weight` (elementwise_affine=False drops it)"

    def translated(self, shape: Shape) -> Spelled | None:
        return None  # LayerNorm's spelling would count another layer


class GroupNorm(Kind):
    """Group normalization: splits the channels into groups, normalizes each group, then applies a
    learned scale and shift per channel."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:GroupNormalization": {}, "torch:GroupNorm": {}}
    signatures = {
        "keras": signature(
            "groups axis epsilon center scale beta_initializer gamma_initializer beta_regularizer gamma_regularizer "
            "beta_constraint gamma_constraint",
            groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
        ),
        "torch": signature(
            "num_groups num_channels eps affine device dtype bias",
            num_groups=REQUIRED, num_channels=REQUIRED, eps=1e-5, affine=True, bias=True,
        ),
    }

    groups: Dim
    axis: int
    num_channels: Dim
    use_scale: bool
    use_center: bool

    def setup(self) -> None:
        a = self.attrs
        if self.framework == "torch":
            a.update(use_scale=bool(a["affine"]), use_center=bool(a["affine"]) and bool(a["bias"]))
            self.check_groups(a["num_channels"], a["num_groups"])
        else:
            check_keras_axes(self)
            a.update(use_scale=bool(a["scale"]), use_center=bool(a["center"]))

    @staticmethod
    def check_groups(channels: Any, groups: Any) -> None:
        if isinstance(channels, int) and isinstance(groups, int) and groups > 0 and channels % groups:
            raise KindError(
                f"the number of channels ({channels}) must be divisible by the number of groups ({groups})",
                hint="choose a number of groups that divides the channels",
            )
        if isinstance(channels, int) and isinstance(groups, int) and groups > channels:
            raise KindError(f"the number of groups ({groups}) cannot be more than the number of channels ({channels})")

    def channels(self, inputs: list[Shape] | None) -> Any:
        if self.framework == "torch":
            return self.num_channels
        if not inputs:
            raise KindError("needs an input shape to know its channels", hint="give the model an input shape")
        return keras_axis_size(inputs[0], self.axis, "the channel axis")

    def check(self, inputs: list[Shape]) -> None:
        shape = inputs[0]
        if self.framework == "torch":
            if len(shape) < 2 or (isinstance(shape[1], int) and shape[1] != self.num_channels):
                raise KindError(f"expects {self.num_channels} channels on axis 1 of (batch, c, ...); got {shape_text(shape)}")
            return
        channels = self.channels(inputs)
        self.check_groups(channels, channels if self.groups == -1 else self.groups)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a normalization: means, variances and a scale and shift per value, no matrix product."""
        return ZERO

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch keeps the input and the mean and inverse deviation of each group of each example."""
        if self.framework != "torch" or len(inputs[0]) < 2:
            return None
        return [*INPUT, ("new", 2 * inputs[0][0] * self.attrs["num_groups"], 4)]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return affine_weights(self, self.channels(inputs))

    def formula(self, weights: list[Weight]) -> Expr | None:
        return times_channels(weights)

    def note(self) -> str:
        return (
            "Keras defaults to groups=32 over the last axis (gamma/beta); PyTorch needs num_groups and num_channels "
            "and normalizes axis 1 (weight/bias)"
        )


class UnitNormalization(Kind):
    """Unit normalization: scales each sample to length 1 along `axis`. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:UnitNormalization": {}}
    signatures = {"keras": signature("axis", axis=-1)}

    def setup(self) -> None:
        check_keras_axes(self)


class LocalResponseNorm(Kind):
    """Local response normalization: divides each channel by a sum over its neighbours. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:LocalResponseNorm": {}}
    signatures = {"torch": signature("size alpha beta k", size=REQUIRED, alpha=1e-4, beta=0.75, k=1.0)}
