"""Formulas: small expression trees over named factors.

A weight's shape is a tuple of `Factor`s (a value and the glossary letter it stands for), so the count
of a layer and the text that explains it are built from the same objects and cannot disagree.
Values are ints, or sympy expressions when a size is unknown (a symbol such as `img_size`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Dim = Any  # int, a sympy expression, or None (the batch axis)


@dataclass(frozen=True)
class Factor:
    value: Dim
    letter: str = ""


@dataclass(frozen=True)
class Sum:
    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class Prod:
    factors: tuple[Expr, ...]


Expr = Factor | Sum | Prod


def const(n: int) -> Factor:
    return Factor(n, str(n))


def prod(*factors: Expr) -> Expr:
    return factors[0] if len(factors) == 1 else Prod(tuple(factors))


def add(*terms: Expr) -> Expr:
    return terms[0] if len(terms) == 1 else Sum(tuple(terms))


def evaluate(e: Expr) -> Dim:
    if isinstance(e, Factor):
        return e.value
    if isinstance(e, Sum):
        total: Dim = 0
        for t in e.terms:
            total = total + evaluate(t)
        return simplify(total)
    result: Dim = 1
    for f in e.factors:
        result = result * evaluate(f)
    return simplify(result)


def simplify(value: Dim) -> Dim:
    """Turn a sympy number back into an int; leave symbolic values as they are."""
    if isinstance(value, int) or value is None:
        return value
    if getattr(value, "is_Integer", False):
        return int(value)
    if hasattr(value, "free_symbols"):
        import sympy

        return sympy.expand(value)
    return value


def is_known(value: Dim) -> bool:
    return isinstance(value, int)


def render(e: Expr, style: str = "numbers") -> str:
    """`numbers`: `(3*3*3 + 1)*32`; `pretty`: `(3·3·3 + 1)·32`; `letters`: `(k_h·k_w·c_in + 1)·filters`."""
    times = "*" if style == "numbers" else "·"
    return _render(e, style, times, top=True)


def _render(e: Expr, style: str, times: str, top: bool) -> str:
    if isinstance(e, Factor):
        if style == "letters" and e.letter:
            return e.letter
        return _render_value(e.value)
    if isinstance(e, Sum):
        text = " + ".join(_render(t, style, times, top=False) for t in e.terms)
        return text if top else f"({text})"
    return times.join(_render(f, style, times, top=False) for f in e.factors)


def _render_value(value: Dim) -> str:
    if isinstance(value, int):
        return str(value) if value >= 0 else f"({value})"
    text = str(value)
    return text if text.isidentifier() else f"({text})"


def render_count(value: Dim) -> str:
    """A count for people: `896`, `128,952`, or the formula text of a symbolic count."""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def json_count(value: Dim) -> int | str:
    return value if isinstance(value, int) else str(value)
