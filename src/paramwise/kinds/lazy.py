"""PyTorch's lazy modules: they take their input size from the first call (nn.LazyLinear, nn.LazyConv2d)."""

from __future__ import annotations

from ..errors import KindError
from ..ir import Shape, Weight
from .base import REQUIRED, Spelled, factor, last_dim, shape_text
from .conv import TORCH_CONV, Conv
from .dense import Dense

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class LazyDense(Dense):
    """A fully connected layer whose input size is taken from its first input (nn.LazyLinear)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:LazyLinear": {}}
    signatures = {"torch": (("out_features", REQUIRED), ("bias", True), ("device", None), ("dtype", None))}

    def setup(self) -> None:
        self.attrs.update(units=self.out_features, d_in=None, use_bias=bool(self.bias))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        units = factor(self.units, "units")
        kernel = Weight("weight", (units, factor(last_dim(inputs, "in_features (a lazy module)"), "d_in")))
        return [kernel] + ([Weight("bias", (units,))] if self.use_bias else [])

    def note(self) -> str:
        return "a lazy module: PyTorch creates its weights on the first forward call"

    def translated(self, shape: Shape) -> Spelled | None:
        return None  # no translation for a layer whose size comes from its first call


class LazyConv(Conv):
    """A convolution whose input channels are taken from its first input (nn.LazyConv1d/2d/3d)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:LazyConv{r}d": {"rank": r} for r in (1, 2, 3)}
    signatures = {"torch": TORCH_CONV[1:]}

    def setup(self) -> None:
        self.attrs["in_channels"] = None
        super().setup()

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs or len(inputs[0]) < 2 or inputs[0][-self.rank - 1] is None:
            raise KindError(f"needs an input shape to know in_channels (a lazy module); got "
                            f"{shape_text(inputs[0]) if inputs else 'no input'}", hint="give --input-shape")
        self.attrs["c_in"] = inputs[0][-self.rank - 1]
        return super().weights(inputs)

    def note(self) -> str:
        return "a lazy module: PyTorch creates its weights on the first forward call"

    def translated(self, shape: Shape) -> Spelled | None:
        return None  # no translation for a layer whose size comes from its first call
