"""All layer kinds, found by their spellings: one module per family, one class per kind.

Adding a kind is a one-file change: define a `Kind` subclass with its `spellings` in any module of this
package; `registry()` imports every module here and indexes them.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from functools import cache
from typing import Any

from ..errors import KindError
from .base import REQUIRED, Kind

__all__ = ["Kind", "registry", "lookup", "make", "suggest", "bind"]


@cache
def registry() -> dict[str, tuple[type[Kind], dict[str, Any]]]:
    """`"keras:Conv2D"` -> (kind class, attributes that spelling fixes)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    table: dict[str, tuple[type[Kind], dict[str, Any]]] = {}
    for cls in _subclasses(Kind):
        for spelling, fixed in cls.__dict__.get("spellings", {}).items():
            table[spelling] = (cls, fixed)
    return table


def _subclasses(cls: type[Kind]) -> list[type[Kind]]:
    out: list[type[Kind]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


@cache
def by_name() -> dict[str, type[Kind]]:
    """Every kind class by its name (a Row's `kind`), for questions about a finished Report."""
    registry()  # imports every kind module
    return {cls.__name__: cls for cls in _subclasses(Kind)}


def lookup(framework: str, type_name: str) -> tuple[type[Kind], dict[str, Any]] | None:
    return registry().get(f"{framework}:{type_name}")


def names(framework: str) -> list[str]:
    prefix = framework + ":"
    return [k[len(prefix):] for k in registry() if k.startswith(prefix)]


def suggest(framework: str, type_name: str) -> str:
    """A did-you-mean for an unknown layer name ('' when nothing is close)."""
    candidates = names(framework)
    lowered = {c.lower(): c for c in candidates}
    if type_name.lower() in lowered:
        return lowered[type_name.lower()]
    close = difflib.get_close_matches(type_name, candidates, n=1, cutoff=0.6)
    return close[0] if close else ""


def bind(
    cls: type[Kind], framework: str, type_name: str, args: list[Any], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Bind constructor arguments to the kind's signature: (attributes, unused keyword arguments)."""
    # a spelling may take its arguments in its own order (keras:Conv3DTranspose), else the framework's
    signature = cls.signatures.get(f"{framework}:{type_name}", cls.signatures.get(framework, ()))
    if len(args) > len(signature):
        raise KindError(
            f"{type_name} takes at most {len(signature)} positional arguments; got {len(args)}",
            hint="pass the extra values by keyword",
        )
    attrs: dict[str, Any] = {}
    for (pname, _), value in zip(signature, args):
        attrs[pname] = value
    known = {p for p, _ in signature}
    extra = {k: v for k, v in kwargs.items() if k not in known}
    for k, v in kwargs.items():
        if k in known:
            if k in attrs:
                raise KindError(f"{type_name} got two values for '{k}'")
            attrs[k] = v
    for pname, default in signature:
        if pname not in attrs:
            if default is REQUIRED:
                raise KindError(
                    f"{type_name} needs the argument '{pname}'",
                    hint=f"e.g. {type_name}({pname}=...)",
                )
            attrs[pname] = default
    return attrs, extra


def make(framework: str, type_name: str, args: list[Any], kwargs: dict[str, Any]) -> tuple[Kind, dict[str, Any]]:
    """Build the kind a framework spelling names; returns (kind, unused keyword arguments)."""
    found = lookup(framework, type_name)
    if found is None:
        raise KindError(f"unknown layer {type_name}")
    cls, fixed = found
    attrs, extra = bind(cls, framework, type_name, args, kwargs)
    attrs.update(fixed)
    return cls(framework, type_name, attrs), extra
