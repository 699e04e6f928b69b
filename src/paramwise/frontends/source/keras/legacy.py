"""The Keras 1 API, read as Keras 1 meant it: `Convolution2D(32, 3, 3, border_mode="same")` is a 3×3
convolution (Keras 3 would take the second 3 for strides), `Dense(output_dim=10)` has 10 units,
`dim_ordering="th"` is channels-first. Each spelling is translated to its Keras 3 form with a `keras1_api`
warning.

Keras 1 laid images out as its `image_dim_ordering` setting said ("th", channels-first, was the default
before Keras 1.2). A file that says nothing is read channels-first when its first image layer's
`input_shape` is laid out (channels, height, width) with 1, 3 or 4 channels, and channels-last otherwise; that
ordering then holds for every layer of the file that takes a `data_format`, as the setting did.
"""

from __future__ import annotations

from ....kinds import framework_signatures
from ..python.values import Context

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# Keras 1 names of layers, as Keras 2 renamed them
RENAMED_LAYERS = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D", "AtrousConvolution1D": "Conv1D",
    "AtrousConvolution2D": "Conv2D", "Deconvolution2D": "Conv2DTranspose", "SeparableConvolution2D": "SeparableConv2D",
}
# Keras 1 keyword arguments and their Keras 2/3 names (None: no longer taken, dropped)
RENAMED_ARGUMENTS: dict[str, str | None] = {
    "output_dim": "units", "nb_filter": "filters", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
    "border_mode": "padding", "subsample": "strides", "subsample_length": "strides", "filter_length": "kernel_size",
    "pool_length": "pool_size", "dim_ordering": "data_format", "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer", "U_regularizer": "recurrent_regularizer", "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint", "U_constraint": "recurrent_constraint", "bias": "use_bias",
    "dropout_W": "dropout", "dropout_U": "recurrent_dropout", "inner_activation": "recurrent_activation",
    "atrous_rate": "dilation_rate", "beta_init": "beta_initializer", "gamma_init": "gamma_initializer",
    "forget_bias_init": None, "consume_less": None, "weights": None, "mode": None,
}
# arguments whose Keras 1 meaning depends on the layer
EMBEDDING = {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
             "W_constraint": "embeddings_constraint", "output_dim": "output_dim", "dropout": None}
ONLY_KERAS1 = set(RENAMED_ARGUMENTS) - {"output_dim", "bias", "weights", "mode", "init"}
KERAS1_EMBEDDING = frozenset(ONLY_KERAS1 | {"init", "dropout"})  # keywords only Keras 1 gave Embedding
KERAS1_ANY = frozenset(ONLY_KERAS1 | {"output_dim", "init"})  # ... and any other layer
ORDERINGS = {"th": "channels_first", "tf": "channels_last"}
KERNEL_ARGS = {"Conv1D": 1, "Conv2D": 2, "Conv2DTranspose": 2, "SeparableConv2D": 2, "Conv3D": 3}


class Keras1:
    """What a file's Keras 1 spellings have decided so far (the image ordering) and warned about."""

    def __init__(self) -> None:
        self.ordering: str | None = None
        self.warned: set[str] = set()

    def translate(self, type_name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> tuple[str, list[Any], dict[str, Any]]:
        """The layer in Keras 3 spelling (unchanged when it is not spelled the Keras 1 way)."""
        new_name = RENAMED_LAYERS.get(type_name, type_name)
        rank = KERNEL_ARGS.get(new_name, 0)
        positional_kernel = (rank > 1 and len(args) > rank and all(isinstance(a, int) and not isinstance(a, bool) for a in args[1 : rank + 1])
                             and (type_name in RENAMED_LAYERS or self.is_keras1(type_name, kwargs)))
        if not (positional_kernel or self.is_keras1(type_name, kwargs) or type_name in RENAMED_LAYERS and type_name.startswith(("Atrous", "Deconv"))):
            if self.ordering == "channels_first" and "data_format" not in kwargs and takes_format(type_name):
                kwargs = {**kwargs, "data_format": self.ordering}
            return type_name, args, kwargs
        written = spelled(type_name, args, kwargs)
        args = list(args)
        if positional_kernel:
            kwargs = {**kwargs, "kernel_size": tuple(args[1 : rank + 1])}
            extra = args[rank + 1 :]
            args = args[:1]
            if new_name == "Conv2DTranspose" and extra:
                extra = extra[1:]  # Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...)
            for key, value in zip(("kernel_initializer", "activation"), extra):
                kwargs[key] = value
        table = {**RENAMED_ARGUMENTS, **EMBEDDING} if new_name == "Embedding" else RENAMED_ARGUMENTS
        out: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key == "p" and new_name in ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"):
                key = "rate"
            new_key = table.get(key, key) if key in table else key
            if new_key is None:
                continue
            if key == "dim_ordering":
                value = ORDERINGS.get(value)
                if value is None:
                    continue
            out[new_key] = value
        if new_name in ("MaxPooling1D", "AveragePooling1D") and "stride" in out:
            out["strides"] = out.pop("stride")
        if takes_format(new_name) and "data_format" not in out:
            self.decide(kwargs)
            if self.ordering is not None:
                out["data_format"] = self.ordering
        if new_name not in self.warned:
            self.warned.add(new_name)
            ctx.warn("keras1_api", f"{written} is the Keras 1 API; read as Keras 1 meant it: {spelled(new_name, args, out)}",
                     hint="Keras 2 and 3 spell it that way; Convolution2D(32, 3, 3) there means strides of 3")
        return new_name, args, out

    def is_keras1(self, type_name: str, kwargs: dict[str, Any]) -> bool:
        if not kwargs:
            return False
        if type_name == "Embedding":
            return not KERAS1_EMBEDDING.isdisjoint(kwargs)
        if type_name.startswith("Dropout") and "p" in kwargs:
            return True
        return not KERAS1_ANY.isdisjoint(kwargs)

    def decide(self, kwargs: dict[str, Any]) -> None:
        """The file's image ordering, from the first Keras 1 image layer that has an input_shape."""
        if self.ordering is not None:
            return
        shape = kwargs.get("input_shape")
        if not isinstance(shape, (list, tuple)) or len(shape) < 2:
            return
        first, last = shape[0], shape[-1]
        looks_first = first in (1, 3, 4) and isinstance(last, int) and last > 4
        self.ordering = "channels_first" if looks_first else "channels_last"


def takes_format(type_name: str) -> bool:
    real = framework_signatures.lookup("keras", type_name)
    return real is not None and real.takes("data_format")


def spelled(type_name: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if k != "input_shape"]
    text = f"{type_name}({', '.join(parts)})"
    return text if len(text) <= 100 else text[:97] + "..."
