"""The standard library that model code uses, written here (nothing is imported on the input's behalf):
functools (partial, reduce, wraps, lru_cache), copy (copy, deepcopy), typing (cast, NamedTuple, the
generic aliases), collections (OrderedDict, defaultdict, namedtuple, abc), dataclasses, string, math, types
(SimpleNamespace) and argparse (both in arguments.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

from ....errors import LimitError
from . import iterutils
from .arguments import NamespaceClass, resolve_argparse
from .builtins import CONTAINERS, MAX_INT_BITS, STD_MODULES, VIEWS, _Builtin, _describe, _is_symbolic, _Method
from .exceptions import BUILTIN_EXCEPTIONS, ExceptionClass, python_error
from .objects import plain
from .records import (
    DataclassDecorator,
    DataclassesFunction,
    FieldFunction,
    NamedTupleBase,
    NamedTupleFactory,
)
from .values import BoundMethod, ClassValue, Context, Function, HostValue, Instance, Opaque

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter

class StdModule(HostValue):
    def __init__(self, path: str, interp: Interpreter) -> None:
        self.path, self.interp = path, interp

    def __repr__(self) -> str:
        return f"<module {self.path}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        value = resolve(f"{self.path}.{name}", self.interp)
        return value if value is not None else Opaque(f"{self.path}.{name}")


class StdFunction(HostValue):
    def __init__(self, name: str, run: Callable[[list[Any], dict[str, Any], Context], Any]) -> None:
        self.name, self.run = name, run

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.run(args, kwargs, ctx)


# -- functools ----------------------------------------------------------------------------------------------


class PartialClass(HostValue):
    """`functools.partial`: calling it makes a partial; `type(p) == partial` and `isinstance(p, partial)`."""

    def __repr__(self) -> str:
        return "<class functools.partial>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialClass)

    def __hash__(self) -> int:
        return hash("functools.partial")

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if not args:
            raise ctx.error("partial() needs the function to call")
        func, rest = args[0], list(args[1:])
        if isinstance(func, PartialValue):  # partial(partial(f, a), b) is partial(f, a, b)
            return PartialValue(func.func, [*func.args, *rest], {**func.keywords, **kwargs})
        return PartialValue(func, rest, dict(kwargs))

    def py_instancecheck(self, value: Any) -> bool:
        return isinstance(value, PartialValue)

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "__name__":
            return "partial"
        raise AttributeError(name)


PARTIAL = PartialClass()


class PartialValue(HostValue):
    def __init__(self, func: Any, args: list[Any], keywords: dict[str, Any]) -> None:
        self.func, self.args, self.keywords = func, args, keywords

    def __repr__(self) -> str:
        return f"<partial of {self.func!r}>"

    def py_type(self) -> Any:
        return PARTIAL

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return ctx.call(self.func, [*self.args, *args], {**self.keywords, **kwargs})

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "func":
            return self.func
        if name == "args":
            return tuple(self.args)
        if name == "keywords":
            return self.keywords
        if name == "__class__":
            return PARTIAL
        if name == "__name__":
            raise AttributeError(name)  # as in Python: a partial has no __name__
        return ctx.interp.getattr(self.func, name, ctx.node) if ctx.node is not None else Opaque(name)

    def py_copy(self, deep: bool, copier: Callable[[Any], Any], ctx: Context) -> Any:
        if not deep:
            return PartialValue(self.func, list(self.args), dict(self.keywords))
        return PartialValue(self.func, [copier(a) for a in self.args], {k: copier(v) for k, v in self.keywords.items()})


def _reduce(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    if len(args) < 2:
        raise ctx.error("reduce() needs a function and a sequence")
    items = ctx.interp.items(args[1], ctx.node) if ctx.node is not None else list(args[1])
    if len(args) > 2:
        items = [args[2], *items]
    if not items:
        raise ctx.error("reduce() of an empty sequence with no initial value")
    value = items[0]
    for item in items[1:]:
        value = ctx.call(args[0], [value, item])
    return value


def _identity_decorator(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`functools.wraps(f)`, `lru_cache(maxsize=...)`: a decorator that returns the function it decorates."""
    if len(args) == 1 and not kwargs and isinstance(args[0], (Function, BoundMethod)):
        return args[0]
    return StdFunction("decorator", lambda a, k, c: a[0] if a else None)


# -- copy ---------------------------------------------------------------------------------------------------


def copy_value(value: Any, deep: bool, ctx: Context, memo: dict[int, Any] | None = None) -> Any:
    """copy.copy / copy.deepcopy of what the interpreter holds. The file's functions and classes, numbers and
    strings are shared, as Python shares them; a framework object copies itself where its reader can."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]

    def inner(v: Any) -> Any:
        return copy_value(v, True, ctx, memo) if deep else v

    if ctx.node is not None and isinstance(value, (*CONTAINERS, Instance)):
        ctx.interp.tick(ctx.node, 1 + len(value.attrs if isinstance(value, Instance) else value) // 16)

    if isinstance(value, list):
        out: Any = []
        memo[id(value)] = out
        out.extend(inner(v) for v in value)
    elif isinstance(value, dict):
        out = {}
        memo[id(value)] = out
        out.update((k, inner(v)) for k, v in value.items())
    elif isinstance(value, (tuple, set, frozenset)):
        out = type(value)(inner(v) for v in value)
    elif isinstance(value, Instance):
        out = Instance(value.cls)
        memo[id(value)] = out
        if value.data is not None:
            out.data = inner(value.data) if deep else type(value.data)(value.data)
        shared = value.attrs is value.data
        out.attrs = out.data if shared else {k: inner(v) for k, v in value.attrs.items()}
        host = value.cls.host_base()
        if host is not None and not host.py_instance_copy(value, out, deep, inner, ctx):
            _not_copied(value, ctx)
            return value
    elif isinstance(value, HostValue):
        out = value.py_copy(deep, inner, ctx)
        if out is NotImplemented:
            _not_copied(value, ctx)
            return value
        memo[id(value)] = out
    else:
        out = value
    memo[id(value)] = out
    return out


def _not_copied(value: Any, ctx: Context) -> None:
    ctx.warn("unsupported", f"a copy of {_describe(value)} is not made here: the copy is the original object, so "
             "parameters the copy would own are counted once, not twice", hint="build the module again instead of copying it")


def _copier(deep: bool) -> Callable[[list[Any], dict[str, Any], Context], Any]:
    def run(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if len(args) != 1:
            raise ctx.error(f"copy.{'deepcopy' if deep else 'copy'}() takes one value")
        return copy_value(args[0], deep, ctx)

    return run


# -- typing and collections.abc ------------------------------------------------------------------------------

ABC_TYPES: dict[str, tuple[type, ...]] = {
    "Sequence": (list, tuple, str, range, bytes), "MutableSequence": (list,),
    "Mapping": (dict,), "MutableMapping": (dict,), "Set": (set, frozenset), "MutableSet": (set,),
    "Iterable": (*CONTAINERS, str, bytes, range, *VIEWS), "Collection": (*CONTAINERS, str, bytes, range),
    "Sized": (*CONTAINERS, str, bytes, range), "Container": (*CONTAINERS, str, bytes, range),
    "Hashable": (int, float, str, bytes, tuple, frozenset, bool, type(None)),
}


class AbcClass(HostValue):
    """`collections.abc.Sequence`, `typing.Mapping` ...: what isinstance checks against them."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<class {self.name}>"

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        return self  # Sequence[int] is Sequence for isinstance

    def py_instancecheck(self, value: Any) -> bool:
        value = plain(value)
        if self.name == "Callable":
            return isinstance(value, (Function, BoundMethod, ClassValue, _Builtin, _Method, HostValue)) or (
                isinstance(value, Instance) and value.cls.lookup("__call__")[0] or
                isinstance(value, Instance) and value.cls.host_base() is not None)
        if isinstance(value, Instance):
            return any(isinstance(c, AbcClass) and c.name == self.name for c in value.cls.mro())
        return isinstance(value, ABC_TYPES.get(self.name, ()))


def _cast(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    if len(args) != 2:
        raise ctx.error("cast() takes a type and a value")
    return args[1]


TYPING_ALIASES = {"List": "list", "Tuple": "tuple", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset",
                  "Type": "type"}


def _typing(name: str) -> Any:
    if name == "cast":
        return StdFunction("cast", _cast)
    if name == "NamedTuple":
        return NamedTupleBase()
    if name in ABC_TYPES or name in ("Callable", "Iterator", "Generator"):
        return AbcClass(name if name in ABC_TYPES or name == "Callable" else "Iterable")
    if name in TYPING_ALIASES:
        return _Builtin(TYPING_ALIASES[name])
    if name in ("TYPE_CHECKING",):
        return False
    if name in ("overload", "final", "no_type_check", "runtime_checkable"):
        return StdFunction(name, lambda a, k, c: a[0] if a else None)
    return Opaque(f"typing.{name}")  # Optional, Union, Any, TypeVar ...: annotations only


# -- re ------------------------------------------------------------------------------------------------------
# `re.sub("[.,!?\\-]", "", text.lower())` builds a vocabulary from a text in the file (nlp-tutorial's BERT). Only
# patterns that cannot backtrack badly are run (no groups, no repetition counts, at most two quantifiers outside
# character classes), on short texts; anything else stays unread.

MAX_REGEX_TEXT = 100_000


def _simple_pattern(pattern: Any) -> bool:
    if not isinstance(pattern, str) or len(pattern) > 200 or "(" in pattern or "{" in pattern:
        return False
    quantifiers, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch in "*+?" and not in_class:
            quantifiers += 1
    return quantifiers <= 2


def _regex(name: str) -> Callable[[list[Any], dict[str, Any], Context], Any]:
    import re

    def run(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if name == "escape":
            return re.escape(args[0]) if len(args) == 1 and isinstance(args[0], str) and not kwargs else Opaque("re.escape()")
        texts = [a for a in args[1:] if isinstance(a, str)]
        if (kwargs or not args or not _simple_pattern(args[0]) or any(len(t) > MAX_REGEX_TEXT for t in texts)
                or len(args) != (3 if name == "sub" else 2) or len(texts) != len(args) - 1):
            return Opaque(f"re.{name}()")
        return getattr(re, name)(*args)

    return run


# -- math and string -----------------------------------------------------------------------------------------

MATH_FUNCTIONS = {"sqrt", "ceil", "floor", "log", "log2", "log10", "log1p", "exp", "expm1", "gcd", "lcm", "isqrt",
                  "prod", "pow", "fabs", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh",
                  "tanh", "trunc", "factorial", "comb", "perm", "isclose", "isfinite", "isinf", "isnan", "fsum",
                  "hypot", "degrees", "radians", "copysign", "fmod", "modf", "frexp", "ldexp", "dist", "erf"}


def _math(name: str) -> Any:
    if name in ("pi", "e", "tau", "inf", "nan"):
        return getattr(math, name)
    if name not in MATH_FUNCTIONS:
        return None

    def run(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if any(_is_symbolic(a) for a in args):
            raise ctx.error(f"math.{name}() of an unknown size cannot be computed",
                            hint="bind the size with --set NAME=VALUE")
        flat = [x for a in args for x in (a if isinstance(a, (list, tuple)) else [a])]
        if kwargs or not all(isinstance(a, (int, float)) for a in flat):
            unread = next((a for a in flat if isinstance(a, Opaque)), None)
            raise ctx.error(f"math.{name}() is given a value paramwise cannot read"
                            + (f": {unread.what}" if unread is not None else ""),
                            hint="write the value as a number in the file")
        ints = [a for a in flat if isinstance(a, int)]
        big = name in ("factorial", "comb", "perm") and any(abs(a) > 5000 for a in ints) or name in ("comb", "perm", "prod", "lcm") \
            and sum(abs(a).bit_length() for a in ints) > MAX_INT_BITS or name in ("pow", "ldexp") and any(
                abs(a) > 10_000 for a in ints[1:])
        if big:
            raise LimitError(f"math.{name}() of these numbers is too large; stopped", location=ctx.location)
        try:
            result = getattr(math, name)(*args)
            if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
                raise LimitError(f"math.{name}() of these numbers has more than {MAX_INT_BITS} bits; stopped",
                                 location=ctx.location)
            return result
        except (ValueError, OverflowError, TypeError) as e:
            raise python_error(ctx.interp, "ValueError", f"math.{name}() failed: {e}", ctx.node) from e

    return StdFunction(f"math.{name}", run)


STRING_CONSTANTS = ("ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "hexdigits", "octdigits",
                    "punctuation", "printable", "whitespace")


# -- types ----------------------------------------------------------------------------------------------------


class OrderedDictClass(HostValue):
    def __repr__(self) -> str:
        return "<class OrderedDict>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        out: dict[Any, Any] = {}
        source = args[0] if args else {}
        node = ctx.node
        for pair in (list(source.items()) if isinstance(source, dict) else ctx.interp.items(source, node) if node else []):
            key, value = pair
            out[key] = value
        out.update(kwargs)
        return out

    def py_instancecheck(self, value: Any) -> bool:
        return isinstance(value, dict)


class DefaultDict(dict):  # type: ignore[type-arg]
    """A `collections.defaultdict` of the file: a dict whose missing key is given the factory's value (called by
    the interpreter, as Python calls it), then kept."""

    def __init__(self, factory: Any, ctx: Context) -> None:
        super().__init__()
        self.factory, self.interp, self.node = factory, ctx.interp, ctx.node

    def __missing__(self, key: Any) -> Any:
        if self.factory is None:
            raise KeyError(key)
        value = self.interp.call(self.factory, [], {}, self.node)
        self[key] = value
        return value


class DefaultDictClass(HostValue):
    def __repr__(self) -> str:
        return "<class defaultdict>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        out = DefaultDict(args[0] if args else None, ctx)
        out.update(OrderedDictClass().py_call(args[1:], kwargs, ctx))
        return out

    def py_instancecheck(self, value: Any) -> bool:
        return isinstance(value, DefaultDict)


# -- resolution -------------------------------------------------------------------------------------------------


def resolve(dotted: str, interp: Interpreter) -> Any:
    """What a dotted standard-library name means; None for names this module does not model."""
    if dotted in STD_MODULES:  # builtins.py names the modules modelled here
        return StdModule(dotted, interp)
    module, _, name = dotted.rpartition(".")
    if module == "functools":
        if name == "partial":
            return PARTIAL
        if name == "reduce":
            return StdFunction("reduce", _reduce)
        if name in ("wraps", "lru_cache", "cache", "total_ordering", "update_wrapper"):
            return StdFunction(name, _identity_decorator)
        return None
    if module == "copy":
        return StdFunction(name, _copier(name == "deepcopy")) if name in ("copy", "deepcopy") else None
    if module in ("typing", "typing_extensions"):
        return _typing(name)
    if module == "collections.abc":
        return AbcClass(name) if name in ABC_TYPES or name in ("Callable", "Iterator", "Generator") else None
    if module == "collections":
        if name == "OrderedDict":
            return OrderedDictClass()
        if name == "defaultdict":
            return DefaultDictClass()
        if name == "namedtuple":
            return NamedTupleFactory()
        return StdModule("collections.abc", interp) if name == "abc" else None
    if module == "dataclasses":
        if name == "dataclass":
            return DataclassDecorator()
        if name == "field":
            return FieldFunction()
        if name in ("asdict", "replace", "fields", "is_dataclass"):
            return DataclassesFunction(name)
        return ExceptionClass(name) if name == "FrozenInstanceError" else None
    if module == "string":
        import string  # here: its import compiles a pattern, and few models use it

        return getattr(string, name) if name in STRING_CONSTANTS else None
    if module == "math":
        return _math(name)
    if module == "itertools":
        return iterutils.resolve(name)
    if module == "types":
        return NamespaceClass() if name == "SimpleNamespace" else None
    if module == "re":
        return StdFunction(f"re.{name}", _regex(name)) if name in ("sub", "split", "findall", "escape") else None
    if module == "argparse":
        return resolve_argparse(name)
    if module == "builtins" and name in BUILTIN_EXCEPTIONS:
        return ExceptionClass(name)
    return None
