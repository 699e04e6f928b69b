"""Write the constructor signatures of every torch.nn module and every keras.layers class as data.

    python scripts/signatures.py           # rewrites src/paramwise/kinds/signatures/{torch,keras}.json
    python scripts/signatures.py --check   # exit 1 (and say which) when the committed files are out of date

The signatures are read from the installed frameworks with `inspect.signature`, never typed by hand: each
class's parameters in positional order, which are keyword-only, their defaults where they are plain
literals, whether it takes `*args`/`**kwargs`, and for **kwargs the keywords its class chain takes or
reads from them (and whether any other is an error, as in Keras's Layer). Two facts `inspect` cannot see are followed:
- torch's `nn.Module.__init__(*args, **kwargs)` refuses every argument (`nn.Tanh(1)` is a TypeError), so a
  module that inherits it (Tanh, Sigmoid, Softsign ...) takes none;
- torch's recurrent modules are `__init__(*args, **kwargs)` with the real signature given as a
  `typing.overload` (nn.LSTM(input_size, hidden_size, ...)): the first overload that names its parameters.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import re
import sys
import typing
from pathlib import Path
from typing import Any

# typing.get_overloads (the recurrent modules' real signatures) is Python 3.11's
NEEDS_PYTHON = (3, 11)
OUT = Path(__file__).resolve().parent.parent / "src" / "paramwise" / "kinds" / "signatures"
FRAMEWORKS = ("torch", "keras")
KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
}


def torch_classes() -> tuple[str, dict[str, type]]:
    """Every public class torch.nn exports that is an nn.Module defined in torch.nn.modules."""
    import torch
    import torch.nn as nn

    found = {
        name: obj
        for name in dir(nn)
        if not name.startswith("_")
        and isinstance(obj := getattr(nn, name), type)
        and issubclass(obj, nn.Module)
        and obj.__module__.startswith("torch.nn.modules")
    }
    return torch.__version__, found


def keras_classes() -> tuple[str, dict[str, type]]:
    """Every public class keras.layers exports (the layers and their aliases: MaxPool2D, Convolution2D ...)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    found = {
        name: obj
        for name in dir(keras.layers)
        if not name.startswith("_") and isinstance(obj := getattr(keras.layers, name), type)
    }
    return keras.__version__, found


def plain_version(version: str) -> str:
    """`2.13.0+cpu` -> `2.13.0`: a build of the same release has the same signatures."""
    return version.split("+")[0]


def init_parameters(cls: type) -> tuple[list[inspect.Parameter], str]:
    """The constructor's parameters after `self`, and where they were read from."""
    init = cls.__init__  # type: ignore[misc]
    if getattr(init, "__qualname__", "") == "Module.__init__" and init.__module__ == "torch.nn.modules.module":
        return [], "torch.nn.Module.__init__ (refuses every argument)"
    params = list(inspect.signature(init).parameters.values())[1:]
    var = {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}
    if {p.kind for p in params} == var:
        for overload in typing.get_overloads(init):
            named = list(inspect.signature(overload).parameters.values())[1:]
            if any(p.kind not in var for p in named):
                return named, "typing.overload"
    return params, "inspect.signature"


KWARGS_READ = re.compile(r"""kwargs(?:\.(?:pop|get|setdefault)\(\s*|\[\s*)["'](\w+)["']|["'](\w+)["']\s+in\s+kwargs""")


def kwargs_keywords(cls: type, own: set[str]) -> list[str]:
    """For a constructor that takes **kwargs: the other keywords the constructors up its class chain (the
    framework's own) name or read from **kwargs (Keras's Layer takes name= and trainable= and reads
    input_shape=; LayerNormalization reads rms_scaling=). An argument that is none of these is refused."""
    root = cls.__module__.split(".")[0]
    found: set[str] = set()
    for base in cls.__mro__:
        init = base.__dict__.get("__init__")
        if init is None or not base.__module__.startswith(root):
            continue
        found.update(p.name for p in list(inspect.signature(init).parameters.values())[1:] if p.kind in KIND_NAMES)
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        found.update(a or b for a, b in KWARGS_READ.findall(source))
    return sorted(found - own)


def refuses_other_kwargs(cls: type) -> bool:
    """Whether a keyword that no constructor up the chain takes is an error: Keras's Layer.__init__ raises
    "Unrecognized keyword arguments passed to ..." for what is left of **kwargs; torch's nn.Identity(*args,
    **kwargs) takes anything."""
    return any(f"{base.__module__}.{base.__qualname__}" == "keras.src.layers.layer.Layer" for base in cls.__mro__)


def is_literal(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (tuple, list)):
        return all(is_literal(v) for v in value)
    return False


def as_json(value: Any) -> Any:
    """Tuples (nested too) as the lists JSON keeps, so the data reads back equal to what was written."""
    return [as_json(v) for v in value] if isinstance(value, (tuple, list)) else value


def default_text(value: Any) -> str:
    """A default that is not a literal, said stably (never a repr with an address)."""
    if isinstance(value, float):
        return f"float('{value}')"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return f"{type(value).__module__}.{type(value).__qualname__} instance"


def parameter_data(param: inspect.Parameter) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": param.name, "kind": KIND_NAMES[param.kind]}
    if param.default is inspect.Parameter.empty:
        entry["required"] = True
    elif is_literal(param.default):
        entry["default"] = as_json(param.default)
    else:
        entry["default_text"] = default_text(param.default)
    return entry


def class_data(name: str, cls: type) -> dict[str, Any]:
    params, source = init_parameters(cls)
    entry: dict[str, Any] = {
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "parameters": [parameter_data(p) for p in params if p.kind in KIND_NAMES],
        "var_positional": any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params),
        "var_keyword": any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params),
    }
    if source != "inspect.signature":
        entry["read_from"] = source
    if entry["var_keyword"]:
        entry["kwargs_keywords"] = kwargs_keywords(cls, {p.name for p in params})
        entry["kwargs_checked"] = refuses_other_kwargs(cls)
    return entry


def generate(framework: str) -> dict[str, Any]:
    """The data for one framework, as installed now."""
    version, classes = torch_classes() if framework == "torch" else keras_classes()
    return {
        "framework": framework,
        "version": plain_version(version),
        "generated_by": "scripts/signatures.py",
        "classes": {name: class_data(name, cls) for name, cls in sorted(classes.items())},
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True, allow_nan=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < NEEDS_PYTHON:
        sys.exit(f"scripts/signatures.py needs Python {'.'.join(map(str, NEEDS_PYTHON))} or newer")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the committed files are current")
    args = parser.parse_args(argv)
    stale = []
    for framework in FRAMEWORKS:
        path = OUT / f"{framework}.json"
        text = dumps(generate(framework))
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
