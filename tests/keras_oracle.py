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
    for type_name in ("TensorShape", "DType", "TypeSpec", "TensorSpec"):
        setattr(tf, type_name, type(type_name, (), {}))
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


def compare(report: Any, model: Any) -> list[str]:
    """Every difference between paramwise's report and the real model (empty when they agree)."""
    problems = []
    if report.total != model.count_params():
        problems.append(f"total: paramwise {report.total}, keras {model.count_params()}")
    if report.trainable != weight_count(model.trainable_weights):
        problems.append(f"trainable: paramwise {report.trainable}, keras {weight_count(model.trainable_weights)}")
    rows = {r.name: r for r in report.rows if r.depth == 0}
    keras_names = [layer.name for layer in model.layers]
    shown = [name for name in rows if rows[name].type != "InputLayer" or name in keras_names]
    if sorted(shown) != sorted(keras_names):
        problems.append(f"layers: paramwise {sorted(shown)}, keras {sorted(keras_names)}")
    for layer in model.layers:
        row = rows.get(layer.name)
        if row is None:
            continue
        if row.params != layer.count_params():
            problems.append(f"{layer.name}: params paramwise {row.params}, keras {layer.count_params()}")
        ours = [tuple(w.shape) for w in row.weight_objects if not w.is_buffer]
        theirs = [tuple(w.shape) for w in layer.weights]
        if sorted(ours, key=str) != sorted(theirs, key=str):
            problems.append(f"{layer.name}: weights paramwise {ours}, keras {theirs}")
        if row.calls == 1:
            try:
                out = layer.output
            except (AttributeError, ValueError):
                continue
            expected = [tuple(t.shape) for t in out] if isinstance(out, (list, tuple)) else tuple(out.shape)
            got = [tuple(s) for s in row.output_shape] if isinstance(row.output_shape, list) else tuple(row.output_shape or ())
            if got != expected:
                problems.append(f"{layer.name}: output shape paramwise {got}, keras {expected}")
    return problems
