"""Live Keras models (Keras 3 and tf.keras 2.x): `paramwise.summary(model)`.

The model's own configuration (`to_json()`, the same text a file holds) is read by the Keras config reader,
so every layer is explained by the same kinds; the model's variables are the stored tensors each row is
compared with, and `count_params()` checks the total. The model is never changed: no build, no call, no
compile, no optimizer variables.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

from ..errors import Diagnostic, InputError, ParamwiseError
from ..infer import infer
from ..ir import Call, Graph, Layer, TensorRef
from ..kinds.core import Input
from ..report import Report
from . import ReadOptions
from .keras_json import ConfigReader, StoredKeys, StoredTree, read_config


def summarize(model: Any, **options: Any) -> Report:
    """The Report of a built keras.Model (or a single built layer)."""
    if not getattr(model, "built", False):
        raise ParamwiseError(
            f"{type(model).__name__} '{getattr(model, 'name', '?')}' is not built, so its weights do not exist yet",
            hint="build it yourself first (call it on data, or model.build(input_shape)); paramwise never builds a model",
        )
    read_options = ReadOptions(**{f.name: options[f.name] for f in fields(ReadOptions) if f.name in options})
    source = f"<{type(model).__name__} '{model.name}'>"
    stored = variable_tree(model)
    graph = config_graph(model, source, read_options, stored) or flat_graph(model, source, read_options, stored)
    report = infer(graph)
    return cross_check(report, model)


def config_graph(model: Any, source: str, options: ReadOptions, stored: StoredTree) -> Graph | None:
    """The graph from the model's configuration; None when it has none (a subclassed model)."""
    try:
        config = json.loads(model.to_json())
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return None
    inner = config.get("config") if isinstance(config, dict) else None
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        return None
    found, chosen = read_config(config, source, options, stored)
    if found[chosen].graph is None:
        return None
    return found[chosen].graph


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
        config = {"name": layer.name}
    module = type(layer).__module__
    return {"class_name": type(layer).__name__, "module": module, "config": {**config, "name": layer.name}}


def build_shape(layer: Any) -> tuple[Any, ...] | None:
    getter = getattr(layer, "get_build_config", None)
    config = getter() if callable(getter) else None
    shape = (config or {}).get("input_shape") if isinstance(config, dict) else None
    if isinstance(shape, (list, tuple)) and shape and not isinstance(shape[0], (list, tuple, dict)):
        return tuple(shape)
    return None


def stored_kind(row: Layer, stored: StoredTree) -> Any:
    from ..kinds.stored import StoredWeights

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
    except (ValueError, AttributeError):
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
