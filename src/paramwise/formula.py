"""Formulas: small expression trees over named factors.

A weight's shape is a tuple of `Factor`s (a value and the glossary letter it stands for), so the count
of a layer and the text that explains it are built from the same objects and cannot disagree.
Values are ints, or sympy expressions when a size is unknown (a symbol such as `img_size`).

This module is the one gateway to sympy for values that come from a user's input. sympy's functions
(`floor`, `expand`, `nsimplify`, `Max` ...) pass any argument that is not already a sympy object through
`sympify`, which hands strings to Python's `eval`. So symbols are made only by `symbol()` from checked
identifiers, and every function here hands sympy only ints, exact fractions and sympy objects: anything
else is refused before sympy sees it (tests/test_no_eval.py holds this true).
"""

from __future__ import annotations

import keyword
import math
import sys

from .frozen import frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Dim: TypeAlias = "Any"  # int, a sympy expression, or None (the batch axis)


@frozen
class Factor:
    """A value in a formula and the glossary letter it stands for (`Factor(32, "filters")`)."""

    value: Dim
    letter: str = ""


@frozen
class Sum:
    """A sum of formulas, printed `a + b`."""

    terms: tuple[Expr, ...]


@frozen
class Prod:
    """A product of formulas, printed `a·b`."""

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
    """Turn a sympy number back into an int; leave symbolic values as they are (expanded)."""
    if isinstance(value, int) or value is None:
        return value
    if not is_symbolic(value):
        return value
    if value.is_Integer:
        return int(value)
    import sympy

    return sympy.expand(value)


# -- the gateway to sympy ------------------------------------------------------------------------


def symbol(name: str) -> Any:
    """An unknown positive whole size named `name`: the only way paramwise makes a sympy symbol.

    `name` must be a Python identifier (what the readers take from the input is checked here once more),
    so no text is ever parsed by sympy."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"a size name must be an identifier; got {name!r:.60}")
    import sympy

    return sympy.Symbol(name, integer=True, positive=True)


def is_symbolic(value: Any) -> bool:
    """True for a sympy object (made from `symbol()`s and numbers); sympy unloaded means nothing is."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def exact(value: Any) -> Any:
    """`value` as an exact sympy number or expression: ints, floats (as the fraction they are) and sympy
    objects only; a string, a bool or anything else raises TypeError before sympy can see it."""
    if is_symbolic(value):
        return value
    from fractions import Fraction  # here: only symbolic sizes need it

    import sympy

    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise TypeError(f"expected a number; got {type(value).__name__} {value!r:.60}")
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"expected a finite number; got {value!r}")
    q = Fraction(value).limit_denominator(10**6) if isinstance(value, float) else Fraction(value)
    return sympy.Rational(q.numerator, q.denominator)


def floor_of(value: Any) -> Any:
    """floor(value) kept in the formula when `value` is symbolic (PyTorch's interpolated sizes)."""
    import sympy

    return sympy.floor(exact(value))


class BatchScaled(int):
    """`n·batch` while a layer's products are computed per sample: an int worth n (the count at batch 1) that prints
    as sympy prints `n*batch`. Products with whole numbers and sums of such stay `n·batch`; anything that would not
    be proportional to the batch (batch², batch + 1, a division) raises TypeError, and the caller takes the sympy
    path. So a model whose only unknown is the batch gets its formulas (`batch·26·26·…`) without loading sympy."""

    def __new__(cls, n: int = 1) -> BatchScaled:
        return super().__new__(cls, n)

    def __str__(self) -> str:
        n = int(self)
        return "batch" if n == 1 else f"{n}*batch"

    __repr__ = __str__

    def __mul__(self, other: Any) -> Any:
        if type(other) is int:
            return BatchScaled(int(self) * other) if other else 0
        raise TypeError("not proportional to the batch")

    __rmul__ = __mul__

    def __add__(self, other: Any) -> Any:
        if type(other) is int and other == 0:
            return self
        if isinstance(other, BatchScaled):
            return BatchScaled(int(self) + int(other))
        raise TypeError("not proportional to the batch")

    __radd__ = __add__

    def _refuse(self, *args: Any) -> Any:
        raise TypeError("not proportional to the batch")

    __sub__ = __rsub__ = __floordiv__ = __rfloordiv__ = __truediv__ = __rtruediv__ = _refuse
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __lshift__ = __rshift__ = _refuse
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = __divmod__ = __rdivmod__ = _refuse


@frozen
class PerBatch:
    """`n·batch`: a count proportional to the open batch axis, kept as a number (sympy is loaded only for sizes that
    are really unknown). It prints as sympy prints `n*batch`, and turns into that sympy expression when it meets one."""

    n: int

    def __str__(self) -> str:
        return "batch" if self.n == 1 else f"{self.n}*batch"

    def __bool__(self) -> bool:
        return self.n != 0

    def __add__(self, other: Any) -> Any:
        if isinstance(other, PerBatch):
            return per_batch(self.n + other.n)
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return self._sympy_() + other

    __radd__ = __add__

    def __mul__(self, other: Any) -> Any:
        if isinstance(other, int) and not isinstance(other, bool):
            return per_batch(self.n * other)
        return self._sympy_() * other

    __rmul__ = __mul__

    def _sympy_(self) -> Any:  # what sympy calls to convert it (never its text)
        return self.n * symbol("batch")

    def at(self, batch: int) -> int:
        return self.n * batch

    def subs(self, old: Any, new: Any = None) -> Any:
        """sympy's `subs` for the batch symbol: `value.subs({symbol("batch"): 2})` or `value.subs(symbol("batch"), 2)`."""
        mapping = old if isinstance(old, dict) else {old: new}
        for key, size in mapping.items():
            if str(key) == "batch":
                return self.n * size
        return self


def per_batch(n: int) -> Any:
    """`n·batch`, or 0."""
    return PerBatch(n) if n else 0


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
    if isinstance(value, int) and not isinstance(value, BatchScaled):
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
