"""What the interpreter lets code touch: the safe builtins and methods, the operators, and how values are
described in messages (never by their internal reprs)."""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable

from ....frozen import record
from .values import (
    BoundMethod,
    ClassValue,
    Function,
    HostValue,
    Instance,
    Opaque,
    Property,
    SuperProxy,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_INT_BITS = 4096  # largest integer the code may make (1,233 digits; a size needs 64 bits)


SAFE_METHODS: dict[type, set[str]] = {
    list: {"append", "extend", "insert", "pop", "index", "count", "copy", "reverse", "remove", "clear"},
    dict: {"get", "items", "keys", "values", "update", "pop", "setdefault", "copy"},
    str: {"format", "join", "upper", "lower", "split", "strip", "rstrip", "lstrip", "replace", "startswith",
          "endswith", "title", "capitalize", "zfill", "isdigit", "rsplit"},
    tuple: {"index", "count"},
    set: {"add", "update", "discard", "copy"},
    int: {"bit_length"},
}


UNSAFE_BUILTINS = {"open", "exec", "eval", "compile", "__import__", "input", "globals", "locals", "vars",
                   "getattr", "setattr", "delattr", "breakpoint", "exit", "quit", "help", "memoryview"}


# the standard-library modules code may import: stdlib.py models them, and is loaded for a file that imports one
STD_MODULES = ("functools", "copy", "typing", "typing_extensions", "collections", "collections.abc", "dataclasses",
               "string", "math", "types", "argparse", "builtins", "itertools", "re")
SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in ("range", "len", "int", "float", "str", "bool", "list", "tuple", "dict", "set", "min", "max",
                 "sum", "abs", "round", "enumerate", "zip", "reversed", "sorted", "any", "all", "divmod", "pow",
                 "frozenset", "repr", "chr", "ord", "hex", "bin", "slice")
}


BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
    ast.MatMult: operator.matmul,
}


CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


@record
class _Builtin:
    """A Python builtin the interpreter provides."""

    name: str


@record
class _Method:
    """A whitelisted method of a plain value (`names.append`, `"{}".format`), called through `call_method`."""

    obj: Any
    name: str


CONTAINERS = (list, tuple, dict, set, frozenset)


VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))


BRACKETS: dict[type, tuple[str, str]] = {list: ("[", "]"), tuple: ("(", ")"), dict: ("{", "}"), set: ("{", "}"),
                                         frozenset: ("frozenset({", "})")}


@record
class _HostInit:
    """The `__init__` of a framework class (a host value), bound to an instance of a file's class deriving from it."""

    host: HostValue
    instance: Instance


class _Noop:
    pass


def _kind(value: Any) -> str:
    return "string" if isinstance(value, (str, bytes)) else type(value).__name__


def _any(value: Any) -> Any:
    return value


def _range_len(r: range) -> int:
    """len(range(...)) without OverflowError for ranges longer than sys.maxsize."""
    if r.step > 0:
        return max(0, (r.stop - r.start + r.step - 1) // r.step)
    return max(0, (r.start - r.stop - r.step - 1) // -r.step)


def _exact(value: Any) -> Any:
    """A sympy Integer (what arithmetic on sizes gives) as a Python int, so the integer limits apply to it."""
    if getattr(value, "is_Integer", False) and not isinstance(value, int):
        return int(value)
    return value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes))


def _is_plain(value: Any, level: int = 0) -> bool:
    """Data whose Python repr shows nothing of paramwise (an error message may quote it)."""
    if _is_scalar(value) or isinstance(value, range):
        return not isinstance(value, int) or value.bit_length() <= MAX_INT_BITS
    if isinstance(value, CONTAINERS) and level < 3 and len(value) <= 100:
        inner = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        return all(_is_plain(v, level + 1) for v in inner)
    return False


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _is_symbolic(value: Any) -> bool:
    return hasattr(value, "free_symbols") and bool(value.free_symbols)


def _symbol_hint(value: Any) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if _is_symbolic(v):
            return f"bind it with --set {sorted(str(s) for s in v.free_symbols)[0]}=VALUE"
    return ""


def _describe(value: Any) -> str:
    """A value as a message may show it: data in a short Python form, paramwise's own objects in words."""
    if isinstance(value, Instance):
        return f"a {value.cls.name} object"
    if _is_symbolic(value):
        return f"the unknown size {_preview(value)}"
    if _is_scalar(value) or isinstance(value, (*CONTAINERS, range, slice)):
        return f"{type(value).__name__} {_preview(value)}"[:80]
    return _describe_object(value)


def _preview(value: Any, level: int = 0) -> str:
    """A short Python-like form of a value (the first items of a container, a long number by its size)."""
    if isinstance(value, str):
        return repr(value[:60]) + ("..." if len(value) > 60 else "")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of {value.bit_length()} bits>"
    if _is_scalar(value) or isinstance(value, range):
        return repr(value)[:80]
    if isinstance(value, CONTAINERS):
        if level > 2:
            return "..."
        items = list(value.items())[:6] if isinstance(value, dict) else [v for _, v in zip(range(6), value)]
        shown = [f"{_preview(k, level + 1)}: {_preview(v, level + 1)}" for k, v in items] if isinstance(value, dict) \
            else [_preview(v, level + 1) for v in items]
        more = ", ..." if len(value) > 6 else ""
        opener, closer = BRACKETS.get(type(value)) or next(b for t, b in BRACKETS.items() if isinstance(value, t))
        return opener + ", ".join(shown) + more + closer
    if _is_symbolic(value) or getattr(value, "is_Number", False):
        text = str(value)
        return text[:60] + ("..." if len(text) > 60 else "")
    return _describe_object(value)


def _describe_object(value: Any) -> str:
    """One of paramwise's own objects, in words (its Python repr would show internals)."""
    if isinstance(value, Function):
        return "a lambda" if value.name == "<lambda>" else f"the function {value.name}"
    if isinstance(value, BoundMethod):
        return f"the method {value.func.name}"
    if isinstance(value, ClassValue):
        return f"the class {value.name}"
    if isinstance(value, Instance):
        return f"a {value.cls.name} object"
    if isinstance(value, _Builtin):
        return f"the built-in {value.name}"
    if isinstance(value, _Method):
        return f"the method {type(value.obj).__name__}.{value.name}"
    if isinstance(value, (Opaque, HostValue)):
        return repr(value)
    if isinstance(value, SuperProxy):
        return "super()"
    if isinstance(value, Property):
        return f"the property {value.getter.name}"
    if isinstance(value, (_HostInit, _Noop)):
        return "super().__init__"
    if isinstance(value, slice):
        return "a slice"
    return "a value paramwise does not show"


def _op_text(op: type) -> str:
    texts: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
    return texts.get(op, "?")
