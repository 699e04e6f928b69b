"""All layer kinds, found by their spellings: one module per family, one class per kind.

Adding a kind: define a `Kind` subclass with its `spellings` in any module of this package, then run
`python scripts/kinds_index.py` (index.py says which module defines each spelling, so that `lookup` imports only
the modules a reading needs; a test holds it equal to the kinds). `registry()` imports every module here.
"""

from __future__ import annotations

import importlib
from functools import cache

from ..errors import KindError
from . import framework_signatures
from .base import REQUIRED, Kind, Signature
from .index import MODULES

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Kind", "registry", "lookup", "make", "suggest", "bind", "signature_of", "argument_names",
           "argument_hint", "suggest_argument", "refused"]


@cache
def registry() -> dict[str, tuple[type[Kind], dict[str, Any]]]:
    """`"keras:Conv2D"` -> (kind class, attributes that spelling fixes)."""
    import pkgutil

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
    """The kind a framework spelling names, importing only the module that defines it; None for a spelling
    no kind has (index.py lists every one)."""
    spelling = f"{framework}:{type_name}"
    module = MODULES.get(spelling)
    return None if module is None else _spelled_in(module).get(spelling)


@cache
def _spelled_in(module: str) -> dict[str, tuple[type[Kind], dict[str, Any]]]:
    """The spellings of the kinds one module of this package defines."""
    name = f"{__name__}.{module}"
    importlib.import_module(name)
    return {spelling: (cls, fixed) for cls in _subclasses(Kind) if cls.__module__ == name
            for spelling, fixed in cls.__dict__.get("spellings", {}).items()}


def names(framework: str) -> list[str]:
    prefix = framework + ":"
    return [k[len(prefix):] for k in registry() if k.startswith(prefix)]


def suggest(framework: str, type_name: str) -> str:
    """A did-you-mean for an unknown layer name ('' when nothing is close)."""
    candidates = names(framework)
    lowered = {c.lower(): c for c in candidates}
    if type_name.lower() in lowered:
        return lowered[type_name.lower()]
    import difflib  # the suggestions' imports are paid only when a name is wrong

    close = difflib.get_close_matches(type_name, candidates, n=1, cutoff=0.6)
    return close[0] if close else ""


def signature_of(cls: type[Kind], framework: str, type_name: str) -> Signature:
    """The (parameter, default) pairs a spelling binds its arguments to: the kind's own for that spelling
    (keras:Conv3DTranspose), else the kind's for the framework, else the framework's real constructor
    (a kind such as Elementwise stands for many classes: nn.ReLU(inplace), nn.Softmax(dim) ...)."""
    own = cls.signatures.get(f"{framework}:{type_name}", cls.signatures.get(framework))
    if own is not None:
        return own
    real = framework_signatures.lookup(framework, type_name)
    if real is None:
        return ()
    return tuple((p.name, REQUIRED if p.required else p.default) for p in real.parameters)


def argument_names(framework: str, type_name: str) -> list[str]:
    """The arguments a class takes by name, for a hint: the framework's own, else the kind's."""
    real = framework_signatures.lookup(framework, type_name)
    if real is not None:
        return list(real.names)
    found = lookup(framework, type_name)
    return [p for p, _ in signature_of(found[0], framework, type_name)] if found else []


def suggest_argument(framework: str, type_name: str, keyword: str) -> str:
    """The real argument a misspelled `keyword` most likely meant (`bais` -> `bias`; '' when none is close)."""
    real = framework_signatures.lookup(framework, type_name)
    if real is not None:
        return real.suggest(keyword)
    import difflib

    close = difflib.get_close_matches(keyword, argument_names(framework, type_name), n=1, cutoff=0.75)
    return close[0] if close else ""


def argument_hint(framework: str, type_name: str, keyword: str) -> str:
    """`did you mean bias=? its arguments: in_features, out_features, bias, device, dtype`."""
    close = suggest_argument(framework, type_name, keyword)
    names = argument_names(framework, type_name)
    listed = f"its arguments: {', '.join(names)}" if names else "it takes no arguments"
    return f"did you mean {close}=? {listed}" if close else listed


def refused(framework: str, type_name: str, extra: dict[str, Any]) -> list[str]:
    """The keyword arguments of `extra` (those the kind did not bind) that the framework refuses too: a typo
    to warn about. For a class the framework does not export, every one."""
    real = framework_signatures.lookup(framework, type_name)
    return [k for k in extra if real is None or not real.takes(k)]


if TYPE_CHECKING:
    _Binding = tuple[Signature, tuple[str, ...], frozenset[str], int, bool, dict[str, Any], tuple[str, ...]]
_BINDINGS: dict[tuple[type[Kind], str, str], _Binding] = {}


def _binding(cls: type[Kind], framework: str, type_name: str) -> _Binding:
    """What `bind` needs of a spelling, worked out once: (signature, its names, the same as a set, how many may
    be given by position, whether extra positional arguments are ignored, every name with its default in the
    signature's order, the names that have none)."""
    found = _BINDINGS.get((cls, framework, type_name))
    if found is None:
        found = _BINDINGS[(cls, framework, type_name)] = _make_binding(cls, framework, type_name)
    return found


def _make_binding(cls: type[Kind], framework: str, type_name: str) -> _Binding:
    signature = signature_of(cls, framework, type_name)
    real = framework_signatures.lookup(framework, type_name)
    limit = len(signature) if real is None else min(len(signature), len(real.positional))  # not keyword-only ones
    names = tuple(p for p, _ in signature)
    defaults = dict(signature)
    required = tuple(p for p, default in signature if default is REQUIRED)
    return signature, names, frozenset(names), limit, real is not None and real.var_positional, defaults, required


def bind(
    cls: type[Kind], framework: str, type_name: str, args: list[Any], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Bind constructor arguments to the kind's signature: (attributes, unused keyword arguments). The attributes
    are in the signature's order, however the arguments were given."""
    signature, names, known, limit, var_positional, defaults, required = _binding(cls, framework, type_name)
    if var_positional:
        args = args[:limit]  # nn.Identity(*args) takes any and ignores them
    if len(args) > limit:
        raise KindError(
            f"{type_name} takes at most {limit} positional arguments; got {len(args)}",
            hint="pass the extra values by keyword",
        )
    given: dict[str, Any] = dict(zip(names, args))
    extra: dict[str, Any] = {}
    for k, v in kwargs.items():
        if k in known:
            if k in given:
                raise KindError(f"{type_name} got two values for '{k}'")
            given[k] = v
        else:
            extra[k] = v
    for pname in required:
        if pname not in given:
            raise KindError(
                f"{type_name} needs the argument '{pname}'",
                hint=f"e.g. {type_name}({pname}=...)",
            )
    attrs = defaults.copy()
    attrs.update(given)
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
