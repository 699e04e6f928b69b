"""Write the names each framework module gives to `from MODULE import *`, as data.

    python scripts/exports.py           # rewrites src/paramwise/frontends/source/exports.json
    python scripts/exports.py --check   # exit 1 (and say which) when the committed file is out of date

Read from the installed frameworks, never typed by hand: a module's `__all__` where it has one, else its
public names (those not starting with "_"), as Python's star import does. The source readers use it to read
`from keras.layers import *` then `concatenate(...)` without importing either framework, and to refuse a
name the module does not export (`Model` is not in keras.layers).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "paramwise" / "frontends" / "source" / "exports.json"
MODULES = (
    "keras", "keras.layers", "keras.models", "keras.optimizers", "keras.callbacks", "keras.backend", "keras.utils",
    "keras.activations", "keras.initializers", "keras.regularizers", "keras.constraints", "keras.losses",
    "keras.metrics", "keras.ops", "keras.applications",
    "torch.nn", "torch.nn.functional", "torch.nn.init",
)


def exports() -> dict[str, list[str]]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    out: dict[str, list[str]] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in dir(module) if not n.startswith("_")]
        out[name] = sorted(set(names))
    return out


def render(data: dict[str, list[str]]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    from generated import write_or_check  # beside this script (its folder is on the path when it is run)

    return write_or_check(OUT, render(exports()), "exports.py", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
