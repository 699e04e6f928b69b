"""Live Keras models (Keras 3 and tf.keras 2.x): `paramwise.summary(model)`.

The model's own configuration (`to_json()`, the same text a file holds) is read by the Keras config reader,
so every layer is explained by the same kinds; the model's variables are the stored tensors each row is
compared with, and `count_params()` checks the total. The model is never changed: no build, no call, no
compile, no optimizer variables.
"""

from __future__ import annotations

import json

from ...errors import Diagnostic, InputError, ParamwiseError
from ...frozen import fields, replace
from ...infer import infer
from ...ir import Call, Graph, Layer, TensorRef
from ...kinds.rows import Input, StoredWeights
from ...report import Report
from .. import ReadOptions
from ..files.keras_json import ConfigReader, StoredKeys, StoredTree, read_config
from .torch import raised_here
from .torch_meta import describe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def summarize(model: Any, **options: Any) -> Report:
    """The Report of a built keras.Model (or a single built layer)."""
    require_layer(model)
    try:
        return read_model(model, options)
    except ParamwiseError:
        raise
    except Exception as e:  # noqa: BLE001 -- the model's methods and properties are the user's code
        if raised_here(e):
            raise
        raise InputError(
            f"reading {type(model).__name__} '{safe_name(model)}' raised {describe(e)}",
            hint="paramwise reads the model's to_json(), its layers, each layer's get_config(), get_build_config() "
                 "and weights, and count_params(); one of them raised in this model",
        ) from None


def read_model(model: Any, options: dict[str, Any]) -> Report:
    if not getattr(model, "built", False):
        raise InputError(
            f"{type(model).__name__} '{model.name}' is not built, so its weights do not exist yet",
            hint="build it yourself first (call it on data, or model.build(input_shape)); paramwise never builds a model",
        )
    read_options = ReadOptions(**{f.name: options[f.name] for f in fields(ReadOptions) if f.name in options})
    source = f"<{type(model).__name__} '{model.name}'>"
    stored = variable_tree(model)
    if getattr(model, "layers", None) is None:  # a single layer: its variables are those of its one row
        stored = StoredTree((), {str(model.name): stored})
    warnings: list[Diagnostic] = []
    graph = config_graph(model, source, read_options, stored, warnings) or flat_graph(model, source, read_options, stored)
    if warnings:
        graph = replace(graph, warnings=tuple(warnings) + graph.warnings)
    report = infer(graph)
    return cross_check(report, model)


def require_layer(obj: Any) -> None:
    """A Keras object that is not a layer or model (a KerasTensor, a Variable, an optimizer) is the user's slip."""
    for base in type(obj).__mro__:
        if base.__name__ == "Layer" and base.__module__.split(".")[0] in ("keras", "tf_keras", "tensorflow"):
            return
    name = type(obj).__name__
    if "Tensor" in name:
        hint = "pass the model, not a tensor: keras.Input(...) and a layer's output are tensors; " \
               "keras.Model(inputs, outputs) makes the model"
    elif "Variable" in name:
        hint = "pass the model or layer that owns this variable"
    elif any(b.__name__ == "Optimizer" for b in type(obj).__mro__):
        hint = "pass the model this optimizer trains"
    else:
        hint = "pass a built keras.Model or keras.layers.Layer"
    article = "an" if name[:1].lower() in "aeiou" else "a"
    raise InputError(f"summary() takes a Keras model or layer; got {article} {name}", hint=hint)


def safe_name(model: Any) -> str:
    try:
        return str(model.name)
    except Exception:  # noqa: BLE001 -- a name property that raises
        return "?"


def config_graph(model: Any, source: str, options: ReadOptions, stored: StoredTree,
                 warnings: list[Diagnostic]) -> Graph | None:
    """The graph from the model's configuration; None when it has none (a subclassed model) or when producing
    it raises (a layer's get_config() that raises): then the rows come from the layers and their variables."""
    try:
        config = json.loads(model.to_json())
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return None
    except Exception as e:  # noqa: BLE001 -- a layer's get_config() is the user's code
        culprit = raising_config(model)
        where = f"{type(culprit).__name__} '{safe_name(culprit)}'.get_config()" if culprit is not None else \
            f"{type(model).__name__} '{safe_name(model)}'.to_json()"
        warnings.append(Diagnostic(
            "config_failed",
            f"{where} raised {describe(e)}; the rows come from the model's layers and their variables instead "
            "of its configuration",
            hint="counts are exact; make get_config() return the layer's constructor arguments to see each "
                 "layer explained by its configuration",
        ))
        return None
    inner = config.get("config") if isinstance(config, dict) else None
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        return None
    found, chosen = read_config(config, source, options, stored)
    if found[chosen].graph is None:
        return None
    return found[chosen].graph


def raising_config(model: Any, depth: int = 0) -> Any:
    """The first layer (depth first, innermost) whose get_config() raises."""
    for layer in (getattr(model, "layers", None) or []) if depth < 50 else []:
        inner = raising_config(layer, depth + 1)
        if inner is not None:
            return inner
        try:
            layer.get_config()
        except Exception:  # noqa: BLE001 -- the user's get_config()
            return layer
    return None


def flat_graph(model: Any, source: str, options: ReadOptions, stored: StoredTree) -> Graph:
    """A subclassed model: one row per tracked layer, each sized from the input shape it was built with."""
    reader = ConfigReader(source, options)
    layers: list[Layer] = []
    calls: list[Call] = []
    tracked = getattr(model, "layers", None)
    for i, layer in enumerate(tracked if tracked is not None else [model]):
        entry = layer_entry(layer)
        shape = build_shape(layer)
        row = reader.layer(entry, f"layers[{i}]", stored, StoredKeys())
        if shape is None:
            row = replace(row, kind=stored_kind(row, stored))
        layers.append(Layer(f"{row.name}:input", "InputLayer", Input("keras", "InputLayer", {"shape": shape or ()}), hidden=True))
        calls.append(Call(len(layers) - 1, ()))
        layers.append(row)
        calls.append(Call(len(layers) - 1, (TensorRef(len(calls) - 1),)))
    if not layers:
        raise InputError(f"{source}: this model tracks no layers", hint="assign layers as attributes in __init__")
    meta = {"model_type": type(model).__name__}
    return Graph("keras", model.name, tuple(layers), tuple(calls), (), (TensorRef(len(calls) - 1),), source,
                 None, tuple(reader.warnings), meta=meta)


def layer_entry(layer: Any) -> dict[str, Any]:
    try:
        config = layer.get_config()
        json.dumps(config)
    except Exception:  # noqa: BLE001 -- a user's get_config may raise anything; the variables still count
        config = {}
    if not isinstance(config, dict):
        config = {}
    module = type(layer).__module__
    return {"class_name": type(layer).__name__, "module": module, "config": {**config, "name": layer.name}}


def build_shape(layer: Any) -> tuple[Any, ...] | None:
    try:
        getter = getattr(layer, "get_build_config", None)
        config = getter() if callable(getter) else None
    except Exception:  # noqa: BLE001 -- a user's get_build_config(): the row shows the layer's variables
        return None
    shape = (config or {}).get("input_shape") if isinstance(config, dict) else None
    if isinstance(shape, (list, tuple)) and shape and not isinstance(shape[0], (list, tuple, dict)):
        return tuple(shape)
    return None


def stored_kind(row: Layer, stored: StoredTree) -> Any:
    sub = stored.children.get(row.name)
    return StoredWeights.of(row.type, sub.tensors if sub else (), row.trainable)


def variable_tree(layer: Any) -> StoredTree:
    """Every layer's variables (name, shape), nested models' layers under their model."""
    tensors = tuple((str(getattr(v, "path", None) or v.name), tuple(int(d) for d in v.shape)) for v in layer.weights)
    tree = StoredTree(tensors)
    for sub in getattr(layer, "layers", None) or []:
        tree.children.setdefault(sub.name, variable_tree(sub))
    return tree


def cross_check(report: Report, model: Any) -> Report:
    """Warn when the rows' total differs from the model's own count_params()."""
    try:
        theirs = int(model.count_params())
    except Exception:  # noqa: BLE001 -- a count_params() that raises (an unbuilt sublayer, an override) checks nothing
        return report
    if report.total == theirs:
        return report
    ours = "unknown" if report.total is None else f"{report.total:,}" if isinstance(report.total, int) else str(report.total)
    warning = Diagnostic(
        "live_mismatch",
        f"the rows add up to {ours} parameters; the model's count_params() says {theirs:,}",
        hint="rows marked '?' or a stored-tensor warning above show where they differ",
    )
    return replace(report, warnings=report.warnings + (warning,))
