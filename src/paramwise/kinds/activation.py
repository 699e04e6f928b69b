"""Layers that act value by value and keep the shape: activations, dropout and noise. PReLU is the one with weights."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import KindError
from ..formula import Dim, Expr, const, prod
from ..ir import Shape, Weight
from .base import INPUT, ZERO, Kind, Saved, factor, shape_text
from .values import is_plain

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
        """PyTorch's choice per function: the output (ReLU, Sigmoid, Tanh, Softmax), the input (GELU, SiLU, ELU,
        LeakyReLU), a mask of the input's size (Dropout in training), nothing (Identity)."""
        if self.framework != "torch" or isinstance(output, list):
            return None
        if self.type_name in SAVES_OUTPUT and not self.attrs.get("inplace"):
            return [("output", 0, 4)]
        if self.type_name in SAVES_INPUT and not self.attrs.get("inplace"):
            return INPUT
        if self.type_name == "Identity":
            return []
        if self.type_name == "Dropout" and not self.attrs.get("inplace"):
            p = self.attrs.get("p", 0.5)
            if p == 0:
                return []
            n: Dim = 1
            for d in output:
                n = n * d
            return [("new", n, 4)]  # the scaled keep-mask, in the input's dtype
        return None


SAVES_OUTPUT = frozenset({"ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"})
SAVES_INPUT = frozenset({"GELU", "SiLU", "ELU", "LeakyReLU"})


class GLU(Kind):
    """A gated linear unit (PyTorch GLU): splits `dim` in two halves and gates one with the other. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:GLU": {}}
    signatures = {"torch": (("dim", -1),)}

    dim: int

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
