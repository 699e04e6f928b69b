"""Keras preprocessing layers that sit inside models: Rescaling, Normalization, Resizing, CenterCrop."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, add, const, prod
from ..ir import Shape, Weight
from .base import REQUIRED, ZERO, Kind, factor, shape_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Rescaling(Kind):
    """Rescaling: x·scale + offset, e.g. pixels from 0..255 to 0..1. No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Rescaling": {}}
    signatures = {"keras": (("scale", REQUIRED), ("offset", 0.0))}


class Normalization(Kind):
    """Normalization: (x - mean) / sqrt(variance), with the statistics learned by `adapt()`, not by training.

    Keras keeps mean and variance (one per value on the kept `axis`) and a sample count as non-trainable weights;
    given `mean=` and `variance=` up front, it creates no weights at all.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Normalization": {}}
    signatures = {"keras": (("axis", -1), ("mean", None), ("variance", None), ("invert", False))}

    axis: tuple[int, ...]

    def setup(self) -> None:
        axis = self.attrs["axis"]
        self.attrs["axis"] = () if axis is None else tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
        if (self.attrs["mean"] is None) != (self.attrs["variance"] is None):
            raise KindError("needs both mean and variance, or neither", hint="pass both, or call adapt() on data")

    def kept(self, shape: Shape) -> tuple[int, ...]:
        rank = len(shape)
        if any(not -rank <= a < rank for a in self.axis):
            raise KindError(f"axis {self.axis} is out of range for an input of shape {shape_text(shape)}")
        return tuple(sorted(a % rank for a in self.axis))

    def check(self, inputs: list[Shape]) -> None:
        shape = inputs[0]
        for a in self.kept(shape):
            if shape[a] is None:
                raise KindError(
                    f"needs a known size on the kept axis {a}; got {shape_text(shape)}",
                    hint="give that axis a size in the input shape, or choose another axis",
                )

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a subtraction and a division per value, elementwise."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.attrs["mean"] is not None:
            return []
        if not inputs:
            raise KindError("needs an input shape to size its statistics", hint="give the model an input shape")
        shape = inputs[0]
        dims = tuple(factor(shape[a], "d" if len(self.axis) == 1 else f"d{a}") for a in self.kept(shape))
        return [Weight("mean", dims, trainable=False), Weight("variance", dims, trainable=False), Weight("count", (), trainable=False)]

    def formula(self, weights: list[Weight]) -> Expr | None:
        """`2·d + 1`: a mean and a variance per kept position, and one count."""
        if not weights:
            return None
        dims = weights[0].dims
        return add(prod(const(2), *dims), const(1)) if dims else const(3)

    def note(self) -> str:
        return "Keras counts mean, variance and count as non-trainable parameters"


class Resize(Kind):
    """Resizing and CenterCrop: the image's height and width become (height, width). No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Resizing": {}, "keras:CenterCrop": {}}
    signatures = {
        "keras:Resizing": (("height", REQUIRED), ("width", REQUIRED), ("interpolation", "bilinear"),
                           ("crop_to_aspect_ratio", False), ("pad_to_aspect_ratio", False), ("fill_mode", "constant"),
                           ("fill_value", 0.0), ("antialias", False), ("data_format", None)),
        "keras:CenterCrop": (("height", REQUIRED), ("width", REQUIRED), ("data_format", None)),
    }

    data_format: str
    height: Dim
    width: Dim

    def setup(self) -> None:
        self.attrs["data_format"] = str(self.attrs.get("data_format") or "channels_last").lower()

    def check(self, inputs: list[Shape]) -> None:
        if len(inputs[0]) not in (3, 4):
            raise KindError(f"expects an image input (batch, h, w, c); got {shape_text(inputs[0])}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = list(inputs[0])
        first = len(shape) - (2 if self.data_format == "channels_first" else 3)
        shape[first : first + 2] = [self.height, self.width]
        return tuple(shape)


class Augmentation(Kind):
    """A data-augmentation layer (RandomFlip, RandomRotation, RandomZoom, RandomContrast ...): it changes the
    values of an image during training only and keeps its shape. No parameters (Keras keeps the random seed
    outside the layer's weights)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"keras:{name}": {} for name in (
        "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
        "AutoContrast", "RandomColorDegeneration", "RandomColorJitter", "RandomGrayscale", "RandomHue",
        "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness", "RandomShear",
        "Solarization", "RandomErasing", "RandomGaussianBlur", "RandomPerspective", "Equalization", "AugMix",
        "RandAugment", "CutMix", "MixUp", "RandomElasticTransform",
    )}


class RandomCrop(Resize):
    """RandomCrop: a random (height, width) window of the image during training (a central one at inference).
    No parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:RandomCrop": {}}  # arguments: Keras' own signature
