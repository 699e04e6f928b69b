"""Write the names each framework module gives to `from MODULE import *`, as data.

    python scripts/exports.py           # rewrites src/paramwise/frontends/source/exports.json
    python scripts/exports.py --check   # exit 1 (and say which) when the committed file is out of date

Read from the installed frameworks, never typed by hand: a module's `__all__` where it has one, else its
public names (those not starting with "_"), as Python's star import does. The source readers use it to read
`from keras.layers import *` then `concatenate(...)` without importing either framework, and to refuse a
name the module does not export (`Model` is not in keras.layers).
"""

from __future__ import annotations

import argparse
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only say whether the committed file is current")
    args = parser.parse_args(argv)
    text = render(exports())
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT} is out of date: run python scripts/exports.py", file=sys.stderr)
            return 1
        print(f"{OUT} is current")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
