"""What `from MODULE import *` gives, for the framework modules model code star-imports (keras.layers,
keras.models, torch.nn ...): the names in exports.json, written from the pinned frameworks by scripts/exports.py.
A name the module does not export stays undefined (`Model` is in keras.models, not keras.layers)."""

from __future__ import annotations

import json
from functools import cache

# spellings of the same public modules: tf.keras, tensorflow.keras, tf_keras (Keras 2), keras_core (Keras 3 beta)
ROOTS = {"tensorflow.keras": "keras", "tf.keras": "keras", "tf_keras": "keras", "keras_core": "keras",
         "tensorflow.python.keras": "keras"}


@cache
def table() -> dict[str, frozenset[str]]:
    from importlib import resources  # here, not at import: importlib.resources costs start-up time

    data = json.loads(resources.files(__package__).joinpath("exports.json").read_text())
    return {module: frozenset(names) for module, names in data.items()}


def canonical(module: str) -> str:
    for root, target in ROOTS.items():
        if module == root or module.startswith(root + "."):
            return target + module[len(root):]
    return module


def exported(module: str) -> frozenset[str] | None:
    """The names `from module import *` binds, or None for a module this table does not hold."""
    return table().get(canonical(module))


def star_source(star_imports: list[str], name: str) -> str | None:
    """The dotted name `name` has through the file's star imports (the last one that exports it wins)."""
    for module in reversed(star_imports):
        names = exported(module)
        if names is not None and name in names:
            return f"{module}.{name}"
    return None
