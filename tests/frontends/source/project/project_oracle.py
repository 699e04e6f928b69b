"""The framework as the oracle for a project fixture: its package imported for real (trusted test data),
with the fixture's folder first on sys.path and its modules forgotten afterwards."""

from __future__ import annotations

import importlib
import inspect
import os
import runpy
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECTS = Path(__file__).resolve().parents[3] / "cases" / "projects"


@contextmanager
def project_on_path(root: Path) -> Iterator[None]:
    """`root` first on sys.path; the modules it defines (and any of the same top-level names already imported,
    such as a real torchvision) hidden while the code runs, and dropped after."""
    tops = {p.stem for p in root.iterdir() if p.suffix == ".py" or (p.is_dir() and not p.name.startswith("."))}
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in tops}
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the fixtures
    try:
        yield
    finally:
        sys.dont_write_bytecode = bytecode
        sys.path.remove(str(root))
        for name in list(sys.modules):
            if name.split(".")[0] in tops:
                del sys.modules[name]
        sys.modules.update(hidden)


def build(root: Path, entry: str, kwargs: dict[str, Any] | None = None) -> Any:
    """The model `entry` names, built by the framework: a script's `model`, or `module:Name` called with
    `kwargs` (a class, or a function that returns a model)."""
    with project_on_path(root), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ":" not in entry:
            return runpy.run_path(str(root / entry), run_name="__case__")["model"]
        where, _, name = entry.rpartition(":")
        module = where.removesuffix(".py").replace(os.sep, ".").replace("/", ".")
        value = getattr(importlib.import_module(module), name)
        return value(**(kwargs or {})) if isinstance(value, type) or inspect.isfunction(value) else value
