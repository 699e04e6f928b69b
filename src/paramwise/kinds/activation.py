"""Layers that act value by value and keep the shape: activations, dropout and noise. No parameters."""

from __future__ import annotations

from typing import Any, ClassVar

from .base import Kind


class Elementwise(Kind):
    """An element-wise layer (activation, dropout or noise): same shape out as in, no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        **{f"keras:{n}": {} for n in (
            "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization", "Identity", "Masking",
        )},
        **{f"torch:{n}": {} for n in (
            "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
            "Softmax", "LogSoftmax", "Softplus", "Softsign", "Hardtanh", "Hardswish", "Hardsigmoid",
            "Tanhshrink", "Softshrink", "Hardshrink", "Threshold", "Dropout", "Dropout1d",
            "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity",
        )},
    }
    # arguments do not change the count; they are accepted by keyword or position and ignored
    signatures = {"keras": (("arg0", None), ("arg1", None), ("arg2", None)), "torch": (("arg0", None), ("arg1", None), ("arg2", None))}
