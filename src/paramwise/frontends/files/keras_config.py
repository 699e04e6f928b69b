"""Values in Keras configurations, converted to what kinds take: tuples stored as lists, dtype policies
stored as dicts, `__tuple__` wrappers, wrapped layers as nested `{"class_name", "config"}` entries.
Initializers, regularizers and constraints stay dicts; kinds do not take them and they are ignored."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ...ir import Shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CODE_LAYERS", "TENSOR_KWARGS", "TF_OPS", "BadShape", "checked_shape", "is_operation", "input_shape_of", "is_custom", "is_model", "layer_kwargs", "snake_case"]

# layers that wrap Python code: never run, counted from stored tensors where a file has them
CODE_LAYERS = frozenset({"Lambda"})
# tf.keras 2.x layers that stand for a TensorFlow function called on a tensor (`x * 2`, `tf.reshape`)
TF_OPS = frozenset({"TFOpLambda", "SlicingOpLambda"})
# keyword arguments of a call that carry input tensors (the same ones the source reader follows)
TENSOR_KWARGS = ("inputs", "query", "value", "key", "initial_state")
# keys every layer config carries that no kind takes as an argument
# (others the kind's signature does not take are ignored when it binds them)
LAYER_KEYS = frozenset({"name", "trainable", "dtype", "batch_input_shape", "batch_shape"})
DTYPE_POLICIES = frozenset({"DTypePolicy", "Policy", "FloatDTypePolicy", "QuantizedDTypePolicy",
                            "QuantizedFloat8DTypePolicy", "DTypePolicyMap"})
KERAS_MODULES = ("keras", "tf_keras", "tensorflow")


def is_model(entry: Any) -> bool:
    """A Sequential or functional model: its config lists its layers."""
    cfg = entry.get("config") if isinstance(entry, dict) else None
    return isinstance(cfg, dict) and isinstance(cfg.get("layers"), list)


def is_operation(entry: dict[str, Any]) -> bool:
    """A function, not a layer: Keras 3 `keras.src.ops.*` nodes and tf.keras `TFOpLambda`."""
    module = str(entry.get("module") or "")
    name = entry.get("class_name")
    if module.startswith(("keras.src.ops", "keras.ops")) or (isinstance(name, str) and name in TF_OPS):
        return True
    # legacy .h5 files drop `module`; an operation's config holds only its name, a layer's also `trainable`
    nodes = entry.get("inbound_nodes")
    cfg = entry.get("config")
    return (not module and isinstance(cfg, dict) and "trainable" not in cfg and isinstance(nodes, list) and bool(nodes)
            and isinstance(nodes[0], dict))


def is_custom(entry: dict[str, Any]) -> bool:
    """A layer class the user defined (its module is not Keras', or it is registered under a package)."""
    module = entry.get("module")
    if isinstance(module, str) and module:
        return not module.startswith(KERAS_MODULES)  # Keras' own (applications register theirs as Custom>)
    registered = entry.get("registered_name")
    return ">" in str(entry.get("class_name", "")) or (isinstance(registered, str) and ">" in registered)


class BadShape(ValueError):
    """A shape in a config that is not a list of dimensions (null or whole numbers >= 1)."""

    def __init__(self, key: str, value: Any, expected: str, index: int | None = None) -> None:
        super().__init__(f"{key}: {expected}")
        self.key, self.value, self.expected, self.index = key, value, expected, index


MAX_RANK = 32  # dimensions in one shape (real inputs have at most 6)
MAX_DIM = 2**48  # one dimension (a 281-trillion-long axis is no model's input)
DIMENSION = "null or a whole number >= 1"


def checked_dim(value: Any, key: str, index: int | None = None) -> int | None:
    if value is None or type(value) is int and 1 <= value <= MAX_DIM:
        return value
    expected = f"at most {MAX_DIM:,} (2**48)" if type(value) is int and value > MAX_DIM else DIMENSION
    raise BadShape(key, value, expected, index)


def checked_shape(value: Any, key: str) -> Shape:
    """A stored shape (a list, or a `__tuple__` wrapper) as a tuple, each dimension checked."""
    dims = plain(value)
    if not isinstance(dims, tuple):
        raise BadShape(key, value, f"a list of dimensions, each {DIMENSION}")
    if len(dims) > MAX_RANK:
        raise BadShape(key, value, f"a list of at most {MAX_RANK} dimensions (this one has {len(dims):,})")
    return tuple(checked_dim(d, key, i) for i, d in enumerate(dims))


def input_shape_of(cfg: dict[str, Any], strict: bool = False) -> Shape | None:
    """The batch shape an InputLayer (or a first layer's `batch_input_shape`) fixes; raises BadShape for
    a shape that is not one."""
    for key in ("batch_shape", "batch_input_shape"):
        if cfg.get(key) is not None:
            return checked_shape(cfg[key], key)
    keys = ("input_shape",) if strict else ("input_shape", "shape")
    for key in keys:
        if cfg.get(key) is not None:
            return (checked_dim(cfg.get("batch_size"), "batch_size"), *checked_shape(cfg[key], key))
    return None


def layer_kwargs(cfg: dict[str, Any], wrapped: Callable[[dict[str, Any], str], Any]) -> dict[str, Any]:
    """A layer's config as keyword arguments for its kind; `wrapped(entry, key)` turns a nested layer entry
    (found under `key` of the config, e.g. `layer` or `cells[1]`) into a kind."""
    out: dict[str, Any] = {}
    for key, value in cfg.items():
        if key in LAYER_KEYS:
            continue
        if isinstance(value, dict) and isinstance(value.get("config"), dict) and is_layer_entry(value):
            out[key] = wrapped(value, key)
        elif isinstance(value, list) and value and all(
            isinstance(v, dict) and isinstance(v.get("config"), dict) and is_layer_entry(v) for v in value
        ):
            out[key] = [wrapped(v, f"{key}[{i}]") for i, v in enumerate(value)]  # StackedRNNCells(cells=[...])
        elif key == "axis" and isinstance(value, list) and len(value) == 1:
            out[key] = value[0]  # tf.keras 2.x stores BatchNormalization(axis=-1) as [3]
        else:
            out[key] = plain(value)
    return out


def is_layer_entry(value: dict[str, Any]) -> bool:
    module = str(value.get("module") or "")
    if module.startswith(("keras.layers", "keras.src.layers", "tf_keras.layers")):
        return True
    return not module and "name" in value["config"] and "trainable" in value["config"]


def plain(value: Any) -> Any:
    """Lists become tuples, dtype policies their name, `__tuple__` wrappers tuples."""
    if isinstance(value, list):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        name = value.get("class_name")
        inner = value.get("config")
        if not isinstance(name, str):  # a class name that is not text: plain data, checked by whoever reads it
            return {k: plain(v) for k, v in value.items()}
        if name == "__tuple__" and isinstance(inner, dict):
            return tuple(plain(v) for v in inner.get("value", []))
        if name in DTYPE_POLICIES and isinstance(inner, dict):
            return inner.get("name")
        return {k: plain(v) for k, v in value.items()}
    return value

@lru_cache(maxsize=1024)  # a pure function of a class name, asked once per layer: bounded (names are the input's text)
def snake_case(name: str) -> str:
    """Keras' own `to_snake_case`: Conv2D -> conv2d, PReLU -> p_re_lu, MaxPooling2D -> max_pooling2d."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
