"""Text the interpreter makes: str(), repr() and ascii() of values, f-strings, str.format and % formatting,
within the size limits, with paramwise's own objects described rather than shown."""

from __future__ import annotations

import ast
import re

from .builtins import BRACKETS, CONTAINERS, VIEWS, _any, _describe, _describe_object, _is_scalar, _is_symbolic
from .limits import MAX_NESTING, MAX_SIZE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


def text(interp: Interpreter, value: Any, conversion: str, node: ast.AST | None) -> str:
    """str() (conversion "s"), repr() ("r") or ascii() ("a") of a value, as Python writes data; paramwise's
    own objects are described, never shown; refused when longer than MAX_SIZE or nested too deep."""
    parts: list[str] = []
    budget = [MAX_SIZE]

    def put(piece: str) -> None:
        budget[0] -= len(piece)
        if budget[0] < 0:
            raise interp.limit(f"this text would be longer than {MAX_SIZE:,} characters; stopped", node)
        parts.append(piece)

    def show(v: Any, r: bool, level: int) -> None:
        if level > MAX_NESTING:
            raise interp.limit(f"this value nests more than {MAX_NESTING} levels deep to be written out; stopped", node)
        if isinstance(v, str):
            put(repr(v) if r else v)
        elif isinstance(v, (bool, int, float, complex, bytes, range)) or v is None:
            put(repr(v) if r or not isinstance(v, bytes) else str(v))
        elif isinstance(v, (*CONTAINERS, *VIEWS)):
            v = _any(v)
            interp.tick(node or ast.Pass(), len(v) // 16)
            if isinstance(v, (set, frozenset)) and not v:
                put("set()" if isinstance(v, set) else "frozenset()")
                return
            opener, closer = BRACKETS.get(type(v), (f"{type(v).__name__}([", "])"))
            put(opener)
            for i, item in enumerate(v):
                if i:
                    put(", ")
                show(item, True, level + 1)
                if isinstance(v, dict):
                    put(": ")
                    show(v[item], True, level + 1)
            if isinstance(v, tuple) and len(v) == 1:
                put(",")
            put(closer)
        elif isinstance(v, slice):
            put("slice(")
            for i, part in enumerate((v.start, v.stop, v.step)):
                put(", " if i else "")
                show(part, True, level + 1)
            put(")")
        elif _is_symbolic(v) or getattr(v, "is_Number", False):
            put(str(v)[:MAX_SIZE + 1])
        else:
            put(_describe_object(v))

    show(value, conversion in ("r", "a"), 0)
    out = "".join(parts)
    return out.encode("ascii", "backslashreplace").decode("ascii") if conversion == "a" else out

def check_spec(interp: Interpreter, spec: str, node: ast.AST) -> None:
    """A format spec's width and precision (`{x:>10}`, `%.3f`) may not ask for more than MAX_SIZE characters."""
    if any(len(d) > 7 or int(d) > MAX_SIZE for d in re.findall(r"\d+", spec)):
        raise interp.limit(f"the format spec '{spec[:40]}' asks for more than {MAX_SIZE:,} characters; stopped", node)

def format_value(interp: Interpreter, value: Any, spec: str, node: ast.AST) -> str:
    """format(value, spec) for plain numbers and strings; anything else is written as text."""
    check_spec(interp, spec, node)
    if not isinstance(value, (int, float, complex, str)):
        value = text(interp, value, "s", node)
    try:
        return interp.check(format(value, spec), node)  # type: ignore[no-any-return]
    except (ValueError, TypeError, OverflowError) as e:
        raise interp.error(f"cannot format {_describe(value)} with the spec '{spec[:40]}'", node) from e

def str_format(interp: Interpreter, fmt: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> str:
    """str.format with plain fields only (`{}`, `{0}`, `{name}`, a spec, a conversion): a field that reads an
    attribute or an item (`{0.attr}`, `{0[key]}`) is refused, so the input reaches nothing through it."""
    counter = [0]

    def render(template: str, nested: bool) -> str:
        import string  # here: its import compiles a pattern, and few models format strings

        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as e:
            raise interp.error(f"this format string cannot be read: {e}", node) from e
        out: list[str] = []
        total = 0
        for literal, field_name, spec, conversion in parsed:
            pieces = [literal]
            if field_name is not None:
                if field_name == "":
                    key: int | str = counter[0]
                    counter[0] += 1
                elif field_name.isdigit():
                    key = int(field_name)
                elif field_name.isidentifier():
                    key = field_name
                else:
                    raise interp.error(
                        f"the format field '{{{field_name[:40]}}}' reads an attribute or an item; paramwise "
                        "formats only plain fields such as {}, {0} or {name}", node,
                        hint="format the value itself: '{}'.format(value)")
                if isinstance(key, int):
                    if key >= len(args):
                        raise interp.error(f"the format field {{{key}}} has no argument", node)
                    value = args[key]
                elif key in kwargs:
                    value = kwargs[key]
                else:
                    raise interp.error(f"the format field {{{key}}} has no argument", node)
                if spec and "{" in spec:
                    if nested:
                        raise interp.error("format fields nest too deeply", node)
                    spec = render(spec, True)
                if conversion:
                    if conversion not in "rsa":
                        raise interp.error(f"unknown conversion '!{conversion}' in a format field", node)
                    value = text(interp, value, conversion, node)
                pieces.append(format_value(interp, value, spec or "", node))
            for piece in pieces:
                total += len(piece)
                interp.check_size(total, node, "string")
                out.append(piece)
        return "".join(out)

    return render(fmt, False)

def percent(interp: Interpreter, fmt: str | bytes, values: Any, node: ast.AST) -> Any:
    """`"%d-%s" % (a, b)`, with widths and precisions in bounds and paramwise's objects written as text."""
    spec = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    for width, precision in re.findall(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?", spec):
        check_spec(interp, f"{width}.{precision}", node)
    args = values if isinstance(values, tuple) else (values,)
    if "*" in spec and any(isinstance(a, int) and abs(a) > MAX_SIZE for a in args):
        raise interp.limit(f"a '*' width in this format asks for more than {MAX_SIZE:,} characters; stopped", node)
    if isinstance(values, dict):
        values = {k: v if _is_scalar(v) else text(interp, v, "s", node) for k, v in values.items()}
    elif isinstance(values, tuple):
        values = tuple(v if _is_scalar(v) else text(interp, v, "s", node) for v in values)
    elif not _is_scalar(values):
        values = text(interp, values, "s", node)
    try:
        return interp.check(fmt % values, node)
    except (TypeError, ValueError, KeyError, OverflowError) as e:
        raise interp.error("the values do not fit this % format", node) from e

