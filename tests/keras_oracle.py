"""Real Keras (torch backend) as the oracle: build a case file's model and compare with paramwise."""

from __future__ import annotations

import os
import runpy
import sys
import types
import warnings
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")


def install_tensorflow_alias() -> None:
    """Let test files spelled `import tensorflow as tf` / `from tensorflow.keras import layers` run on Keras 3."""
    import keras

    if "tensorflow" in sys.modules and getattr(sys.modules["tensorflow"], "_paramwise_alias", False):
        return
    tf = types.ModuleType("tensorflow")
    tf._paramwise_alias = True  # type: ignore[attr-defined]
    tf.keras = keras  # type: ignore[attr-defined]
    # Keras' serializer (used by Bidirectional to copy its layer) asks `isinstance(obj, tf.TensorShape)`
    # etc. whenever a module named tensorflow imports: give it classes nothing is an instance of.
    # einops, asked about any tensor while a module named tensorflow is loaded, asks tf.Tensor, tf.Variable and
    # tf.is_tensor too: nothing is a TensorFlow tensor here
    for type_name in ("TensorShape", "DType", "TypeSpec", "TensorSpec", "Tensor", "Variable"):
        setattr(tf, type_name, type(type_name, (), {}))
    tf.is_tensor = lambda value: False  # type: ignore[attr-defined]
    sys.modules["tensorflow"] = tf
    sys.modules["tensorflow.keras"] = keras
    for sub in ("layers", "models", "optimizers", "losses", "metrics", "activations", "regularizers", "initializers", "backend", "ops"):
        sys.modules[f"tensorflow.keras.{sub}"] = getattr(keras, sub)


def build(path: Path, model_name: str = "model") -> Any:
    """Run the (trusted) case file with real Keras and return its model."""
    import keras

    install_tensorflow_alias()
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace = runpy.run_path(str(path), run_name="__case__")
    return namespace[model_name]


def weight_count(weights: list[Any]) -> int:
    import math

    return sum(math.prod(tuple(w.shape)) for w in weights)


def output_shapes(layer: Any) -> tuple[Any, bool]:
    """The layer's output shape (a list of shapes when it has several outputs, and True); None when Keras has none."""
    try:
        out = layer.output
    except (AttributeError, ValueError, RuntimeError):
        return None, False
    if isinstance(out, (list, tuple)):
        return [list(t.shape) for t in out], True
    return list(out.shape), False


def figures(model: Any) -> dict[str, Any]:
    """Keras' own figures for a model, as plain JSON-ready data (what `compare_figures` checks)."""
    layer_figures = []
    for layer in model.layers:
        shape, multi = output_shapes(layer)
        layer_figures.append({
            "name": layer.name,
            "count_params": int(layer.count_params()),
            "weights": [list(w.shape) for w in layer.weights],
            "output_shape": shape,
            "multi_output": multi,
        })
    return {
        "count_params": int(model.count_params()),
        "trainable": int(weight_count(model.trainable_weights)),
        "layers": layer_figures,
    }


def compare(report: Any, model: Any) -> list[str]:
    """Every difference between paramwise's report and the real model (empty when they agree)."""
    return compare_figures(report, figures(model))


def compare_figures(report: Any, keras: dict[str, Any]) -> list[str]:
    """Every difference between paramwise's report and Keras' figures from `figures` (empty when they agree)."""
    problems = []
    if report.total != keras["count_params"]:
        problems.append(f"total: paramwise {report.total}, keras {keras['count_params']}")
    if report.trainable != keras["trainable"]:
        problems.append(f"trainable: paramwise {report.trainable}, keras {keras['trainable']}")
    keras_names = [layer["name"] for layer in keras["layers"]]
    top = [r for r in report.rows if r.depth == 0]
    shown = [r.name for r in top if r.type != "InputLayer" or r.name in keras_names]
    if sorted(shown) != sorted(keras_names):
        problems.append(f"layers: paramwise {sorted(shown)}, keras {sorted(keras_names)}")
    for layer, row in paired_rows(top, keras["layers"]):
        if row is not None:
            problems += compare_layer(row, layer)
    return problems


def paired_rows(rows: list[Any], layers: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Each Keras layer with paramwise's row of the same name; a name that several layers share (Keras 3 keeps
    `name=""` in a subclassed model) pairs its rows in order."""
    by_name: dict[str, list[Any]] = {}
    for r in rows:
        by_name.setdefault(r.name, []).append(r)
    return [(layer, by_name[layer["name"]].pop(0) if by_name.get(layer["name"]) else None) for layer in layers]


def compare_layer(row: Any, layer: dict[str, Any]) -> list[str]:
    name, problems = layer["name"], []
    if row.params != layer["count_params"]:
        problems.append(f"{name}: params paramwise {row.params}, keras {layer['count_params']}")
    ours = [tuple(w.shape) for w in row.weight_objects if not w.is_buffer]
    theirs = [tuple(shape) for shape in layer["weights"]]
    if sorted(ours, key=str) != sorted(theirs, key=str):
        problems.append(f"{name}: weights paramwise {ours}, keras {theirs}")
    if row.calls == 1 and layer["output_shape"] is not None:
        out = layer["output_shape"]
        expected = [tuple(s) for s in out] if layer["multi_output"] else tuple(out)
        got = [tuple(s) for s in row.output_shape] if isinstance(row.output_shape, list) else tuple(row.output_shape or ())
        if got != expected:
            problems.append(f"{name}: output shape paramwise {got}, keras {expected}")
    return problems


def agrees(tmp_path: Path, text: str, oracle_text: str | None = None) -> Any:
    """paramwise's reading of `text` (its invariants checked), asserted equal to Keras' model built from
    `oracle_text` (default: the same text); returns the report."""
    import paramwise
    from helpers import check_invariants

    path = tmp_path / "m.py"
    path.write_text(text)
    report = paramwise.read(str(path))
    check_invariants(report)
    oracle = path
    if oracle_text is not None:
        oracle = tmp_path / "oracle.py"
        oracle.write_text(oracle_text)
    assert compare(report, build(oracle)) == []
    return report
