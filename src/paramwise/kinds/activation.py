"""Layers that act value by value and keep the shape: activations, dropout and noise. PReLU is the one with weights."""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, const, prod
from ..ir import Shape, Weight
from .base import INPUT, ZERO, Kind, Saved, factor, shape_text
from .values import describe, integer, is_plain

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

KERAS_ELEMENTWISE = (
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity",
    "Masking",
)
TORCH_ELEMENTWISE = (
    "ReLU", "ReLU6", "RReLU", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "LogSigmoid",
    "Tanh", "Softmax", "Softmax2d", "Softmin", "LogSoftmax", "Softplus", "Softsign", "Hardtanh", "Hardswish",
    "Hardsigmoid", "Tanhshrink", "Softshrink", "Hardshrink", "Threshold", "Dropout", "Dropout1d", "Dropout2d",
    "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity", "ChannelShuffle",
)


class Elementwise(Kind):
    """An element-wise layer (activation, dropout or noise): same shape out as in, no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:{n}": {} for n in KERAS_ELEMENTWISE},
        **{f"torch:{n}": {} for n in TORCH_ELEMENTWISE},
    }
    # no signature of its own: each class binds its arguments as the framework's constructor takes them
    # (framework_signatures: nn.ReLU(inplace), nn.Softmax(dim), keras Dropout(rate, noise_shape, seed))

    def __init__(self, framework: str, type_name: str, attrs: dict[str, Any]) -> None:
        # its arguments change neither the count nor the shape: one paramwise cannot read (a rate from a config
        # file) is left out, not refused
        super().__init__(framework, type_name, {k: v for k, v in attrs.items() if is_plain(v)})

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch's choice per function, in a training call: the output (ReLU, Sigmoid, Tanh, Softmax), the input
        (GELU, SiLU, ELU, LeakyReLU, Hardtanh ...), a mask (Dropout: one value per input value; Dropout1d/2d/3d and
        FeatureAlphaDropout: one per example and channel), nothing (Identity).

        In place (inplace=True) the output is the input's storage, written over: ReLU, LeakyReLU, ELU, SELU and
        CELU keep it (their gradient reads the output), SiLU, Mish, Hardtanh, ReLU6, Hardswish, Hardsigmoid and
        Threshold keep a copy of the input made before it is written over (a new tensor of the input's size),
        Dropout keeps its new mask, RReLU its noise and the output. Each kept value is in the input's dtype (fp32
        here, as the weights)."""
        if self.framework != "torch" or isinstance(output, list):
            return None
        name, inplace = self.type_name, self.attrs.get("inplace") is True
        if name == "Identity":
            return []
        if inplace and name in INPLACE_KEEPS_OUTPUT:
            return [("output", 0, 4)]  # the same storage as the input: the activation total counts it once
        if inplace and name in INPLACE_KEEPS_COPY:
            return [("new", values(output), 4)]  # the input as it was, copied before it is written over
        if name == "RReLU":
            return [("new", values(output), 4), ("output", 0, 4) if inplace else ("input", 0, 4)]  # the slopes drawn
        if inplace and name in ("AlphaDropout", "FeatureAlphaDropout"):
            return None  # their modules ignore inplace (the output is a new tensor), which the total does not know
        if name in SAVES_OUTPUT and not inplace:
            return [("output", 0, 4)]
        if name in SAVES_INPUT and not inplace:
            return INPUT
        return dropout_mask(name, self.attrs.get("p", 0.5), output, inplace)


SAVES_OUTPUT = frozenset({"ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"})
SAVES_INPUT = frozenset({"GELU", "SiLU", "ELU", "LeakyReLU", "SELU", "CELU", "Mish", "Hardtanh", "ReLU6", "Hardswish",
                         "Hardsigmoid", "Threshold"})
INPLACE_KEEPS_OUTPUT = frozenset({"ReLU", "LeakyReLU", "ELU", "SELU", "CELU"})  # relu_, leaky_relu_, elu_: the result
INPLACE_KEEPS_COPY = frozenset({"SiLU", "Mish", "Hardtanh", "ReLU6", "Hardswish", "Hardsigmoid", "Threshold"})
FEATURE_DROPOUT = {"Dropout1d": (2, 3), "Dropout2d": (3, 4), "Dropout3d": (5,), "FeatureAlphaDropout": None}  # ranks read


def dropout_mask(name: str, p: Any, output: Shape, inplace: bool) -> Saved | None:
    """The mask a dropout keeps in training, in the input's dtype, as measured on CPU (on CUDA ATen's fused dropout
    keeps a bool mask, one byte a value, instead: not measured here):
    Dropout and AlphaDropout one value per input value, the channel dropouts one per example and channel (a
    Dropout1d on an unbatched (C, L) input one per channel), p=1 a single 0; p=0 nothing (the input handed on).
    None where not known (p=0 of a dropout other than Dropout, not in place: the activation total does not
    follow that its output is its input)."""
    if not isinstance(p, (int, float)) or isinstance(p, bool):
        return None
    if name == "Dropout":
        return [] if p == 0 else [("new", 1, 4)] if p == 1 else [("new", values(output), 4)]
    if p == 0 and inplace and name in FEATURE_DROPOUT:
        return []
    if p == 0 or p == 1:
        return None
    if name == "AlphaDropout":
        return [("new", values(output), 4)]
    if name not in FEATURE_DROPOUT:
        return None
    ranks = FEATURE_DROPOUT[name]
    if len(output) < 2 or ranks is not None and len(output) not in ranks:
        return None
    if name == "Dropout1d" and len(output) == 2:
        return [("new", output[0], 4)]  # unbatched (C, L)
    return [("new", output[0] * output[1], 4)]


def values(shape: Shape) -> Dim:
    n: Dim = 1
    for d in shape:
        n = n * d
    return n


class GLU(Kind):
    """A gated linear unit (PyTorch GLU): splits `dim` in two halves and gates one with the other. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:GLU": {}}
    signatures = {"torch": (("dim", -1),)}

    dim: int

    def setup(self) -> None:
        if not integer(self.attrs["dim"]):  # torch's forward refuses any other (dim=None is a TypeError)
            raise BadValue("dim", "an axis (a whole number)", self.attrs["dim"], describe(self.attrs["dim"]))

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = list(inputs[0])
        dim = self.dim % len(shape)
        n = shape[dim]
        if isinstance(n, int) and n % 2:
            raise KindError(f"needs an even size on axis {self.dim}; got {shape_text(inputs[0])}")
        shape[dim] = None if n is None else n // 2
        return tuple(shape)


class PReLU(Kind):
    """A parametric ReLU: a learned slope for negative inputs.

    Keras learns one slope per input value (alpha has the input's shape without the batch; `shared_axes` share one
    slope along those axes); PyTorch learns `num_parameters` slopes (1, or one per channel).
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:PReLU": {}, "torch:PReLU": {}}
    signatures = {
        "keras": (("alpha_initializer", "Zeros"), ("alpha_regularizer", None), ("alpha_constraint", None), ("shared_axes", None)),
        "torch": (("num_parameters", 1), ("init", 0.25), ("device", None), ("dtype", None)),
    }

    num_parameters: Dim
    shared_axes: tuple[int, ...]  # Keras, after setup()

    def setup(self) -> None:
        if self.framework == "keras":
            axes = self.shared_axes
            self.attrs["shared_axes"] = () if axes is None else tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)

    def check(self, inputs: list[Shape]) -> None:
        shape = inputs[0]
        if self.framework == "torch":
            channels = shape[1] if len(shape) >= 2 else shape[0] if shape else 1
            n = self.num_parameters
            if n != 1 and isinstance(channels, int) and channels != n:
                raise KindError(f"has {n} slopes but the input has {channels} channels", hint="use num_parameters=1 or the channel count")
            return
        for axis in self.shared_axes:
            if not 1 <= axis < len(shape):
                raise KindError(f"shared_axes {self.shared_axes} must be axes 1..{len(shape) - 1} of {shape_text(shape)}")

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: one multiplication per negative value, elementwise."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.framework == "torch":
            return [Weight("weight", (factor(self.num_parameters, "num_parameters"),))]
        if not inputs:
            raise KindError("needs an input shape to know the size of alpha", hint="give the model an input shape")
        dims = list(inputs[0][1:])
        for axis in self.shared_axes:
            dims[axis - 1] = 1
        if any(d is None for d in dims):
            raise KindError(f"needs known sizes for alpha; got {shape_text(inputs[0])}", hint="share the unknown axes with shared_axes")
        return [Weight("alpha", tuple(factor(d, "1" if d == 1 else f"d{i + 1}") for i, d in enumerate(dims)))]

    def formula(self, weights: list[Weight]) -> Expr | None:
        """One slope per position not shared: the sizes other than 1 (`8`, not `1·1·8`)."""
        sizes = [d for d in weights[0].dims if d.value != 1]
        return prod(*sizes) if sizes else const(1)
