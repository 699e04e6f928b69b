"""Limits on what the code makes: the length of a list or string, the bits of an integer, the nesting of
containers, each checked before the operation runs (the step and time budgets are the interpreter's)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from .builtins import (
    CONTAINERS,
    MAX_INT_BITS,
    _kind,
    _range_len,
)
from .objects import plain
from .values import (
    HostValue,
    Opaque,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


MAX_DEPTH = 60  # nested calls of the file's own functions
MAX_SIZE = 1_000_000  # longest list, tuple, dict, set or string (items or characters) one operation may make
MAX_NESTING = 100  # containers nested in containers (a 300,000-deep tuple used as a key crashes CPython)
MAX_EXPR_DEPTH = 250  # expressions nested in expressions, across calls (`1+1+...`, `f()()()`, `x[0][0]...`)
RECURSION_LIMIT = 4000  # Python frames allowed while reading (the limits above stay far below it)
LIMIT_HINT = "paramwise reads code without running it; code that needs this much is probably not building a model"


def check_size(interp: Interpreter, n: int, node: ast.AST | None, what: str = "value") -> None:
    if n > MAX_SIZE:
        unit = "characters" if what == "string" else "items"
        raise interp.limit(f"this {what} would have more than {MAX_SIZE:,} {unit}; stopped", node)


def check(interp: Interpreter, value: Any, node: ast.AST | None) -> Any:
    """A value an operation made, refused when over the limits (length, integer bits, nesting)."""
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise interp.limit(f"this integer has more than {MAX_INT_BITS} bits; stopped", node)
    elif isinstance(value, (str, bytes)):
        interp.check_size(len(value), node, "string")
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        interp.check_size(len(value), node, _kind(value))
        interp.check_nesting([value], node, 0)
    elif getattr(value, "is_Integer", False) and int(value).bit_length() > MAX_INT_BITS:
        raise interp.limit(f"this integer has more than {MAX_INT_BITS} bits; stopped", node)
    return value


def check_nesting(interp: Interpreter, values: list[Any], node: ast.AST | None, extra: int = 1) -> None:
    """Refuse to put `values` in a container (`extra` levels up) when that nests more than MAX_NESTING deep."""
    memo: dict[int, int] = {}
    for v in values:
        if isinstance(v, CONTAINERS) and interp.nesting_of(v, 0, memo) + extra > MAX_NESTING:
            raise interp.limit(f"containers nest more than {MAX_NESTING} levels deep here; stopped", node)


def nesting_of(interp: Interpreter, value: Any, level: int, memo: dict[int, int]) -> int:
    key = id(value)
    if key in memo:
        return memo[key]
    cached = interp.tuple_depths.get(key)
    if cached is not None and cached[0] is value:
        return cached[1]
    if level > MAX_NESTING:
        return MAX_NESTING + 1
    memo[key] = 0  # a list that contains itself
    inner = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    deepest = 0
    for item in inner:
        if isinstance(item, CONTAINERS):
            deepest = max(deepest, interp.nesting_of(item, level + 1, memo))
            if deepest > MAX_NESTING:
                break
    depth = deepest + 1
    memo[key] = depth
    if depth > 1 and isinstance(value, (tuple, frozenset)):
        interp.tuple_depths[key] = (value, depth)
    return depth


def items(interp: Interpreter, value: Any, node: ast.AST, already: int = 0) -> list[Any]:
    """Everything an iterable holds, as a list, refused before it is made when it would be too long."""
    value = plain(value)
    if isinstance(value, Opaque):  # what it holds is unknown: the reading says so rather than take it as empty
        interp.warn("unsupported", f"{value.what} is not read, so what it holds is not read either", node=node)
        return []
    if isinstance(value, HostValue):
        return list(interp.iterate(value, node))
    size = _range_len(value) if isinstance(value, range) else len(value) if hasattr(value, "__len__") else None
    if size is not None:
        interp.check_size(size + already, node)
        interp.tick(node, size // 16)  # a builtin going through n items is some work too
        return list(interp.iterate(value, node))
    out = []
    for item in interp.iterate(value, node):
        interp.tick(node)
        out.append(item)
        interp.check_size(len(out) + already, node)
    return out


def hashing(interp: Interpreter, make: Callable[[Any], Any], items: Any, node: ast.AST) -> Any:
    try:
        return make(items)
    except TypeError as e:
        raise interp.error("a set member or dict key must be a number, a string or a tuple of them", node) from e


def check_sum(interp: Interpreter, items: list[Any], start: Any, node: ast.AST) -> None:
    sequences = (list, tuple, str, bytes)
    if isinstance(start, sequences) or any(isinstance(x, sequences) for x in items):
        interp.check_size(sum(len(x) for x in [start, *items] if isinstance(x, sequences)), node, "sequence")
