"""Expressions: evaluating each `ast` expression (names, operators, comparisons, containers, comprehensions,
subscripts, f-strings, calls), truth, iteration and arithmetic within the limits. Each `expr_X` evaluates the
`ast.X` expression; `Interpreter` offers the others as methods."""

from __future__ import annotations

import ast
import operator
import sys
from collections.abc import Callable, Iterator

from . import protocol
from .builtins import (
    BINOPS,
    CMPOPS,
    CONTAINERS,
    MAX_INT_BITS,
    SAFE_BUILTINS,
    UNSAFE_BUILTINS,
    _Builtin,
    _describe,
    _exact,
    _is_symbolic,
    _kind,
    _op_text,
    _range_len,
    _symbol_hint,
)
from .exceptions import (
    BUILTIN_EXCEPTIONS,
    ExceptionClass,
    python_error,
)
from .imports import ImportBuiltin
from .limits import MAX_EXPR_DEPTH, MAX_SIZE
from .objects import (
    LocalsFunction,
    plain,
)
from .sizes import UnreadSize
from .values import (
    Context,
    Function,
    HostValue,
    Instance,
    Opaque,
    Scope,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


def evaluate(interp: Interpreter, node: ast.expr, scope: Scope) -> Any:
    interp.steps += 1  # interp.tick(node), whose checks are due only once the count reaches next_clock (the clock
    if interp.steps >= interp.next_clock:  # is read every 1,024 steps, and next_clock is never past MAX_STEPS + 1)
        interp.tick(node, 0)
    method = BY_TYPE.get(type(node))
    if method is None:
        method = EXPRESSIONS.get(type(node).__name__)  # a subclass of an ast class (none that ast.parse makes)
    if method is None:
        interp.warn("unsupported", f"{type(node).__name__} expressions are not evaluated", node=node)
        return Opaque(type(node).__name__)
    if interp.nesting >= MAX_EXPR_DEPTH:
        raise interp.limit(f"expressions nest deeper than {MAX_EXPR_DEPTH} levels here; stopped", node)
    interp.nesting += 1
    interp.last = node
    try:
        return method(interp, node, scope)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as e:
        # an operation on values paramwise does not model in detail: the input's error, not paramwise's
        raise interp.error(f"paramwise cannot evaluate this expression ({type(e).__name__})", node) from e
    finally:
        interp.nesting -= 1


def expr_Constant(interp: Interpreter, node: ast.Constant, scope: Scope) -> Any:
    value = node.value
    if isinstance(value, str) and name_chars(value):
        return sys.intern(value)  # as CPython's compiler interns them: `name is 'conv2d'` is True for two such constants
    return value


def name_chars(text: str) -> bool:
    """Only [A-Za-z0-9_] (or empty): the string constants CPython interns (its all_name_chars)."""
    return text.isascii() and (not text or text.replace("_", "a").isalnum())


def expr_Name(interp: Interpreter, node: ast.Name, scope: Scope) -> Any:
    found, value = scope.lookup(node.id)
    if found:
        return value
    if node.id in SAFE_BUILTINS or node.id in ("print", "isinstance", "super", "map", "filter", "hasattr",
                                               "type", "object", "property", "staticmethod", "classmethod",
                                               "getattr", "setattr", "delattr", "vars", "issubclass",
                                               "callable", "iter", "next"):
        return _Builtin(node.id)
    if node.id in ("True", "False", "None", "Ellipsis"):
        return {"True": True, "False": False, "None": None, "Ellipsis": ...}[node.id]
    if node.id == "locals":
        return LocalsFunction(scope)
    if node.id == "__import__":
        return ImportBuiltin(interp)
    if node.id in UNSAFE_BUILTINS:
        interp.warn("not_run", f"'{node.id}' is not run: paramwise only reads the file", node=node)
        return Opaque(node.id)
    if node.id in BUILTIN_EXCEPTIONS and node.id != "FrozenInstanceError":
        return ExceptionClass(node.id)
    if interp.undefined is not None:
        return interp.undefined(node.id, Context(interp, node))
    raise interp.error(f"name '{node.id}' is not defined", node)


def expr_Attribute(interp: Interpreter, node: ast.Attribute, scope: Scope) -> Any:
    return interp.getattr(interp.eval(node.value, scope), node.attr, node)


def expr_BinOp(interp: Interpreter, node: ast.BinOp, scope: Scope) -> Any:
    return interp.binop(type(node.op), interp.eval(node.left, scope), interp.eval(node.right, scope), node)


def expr_UnaryOp(interp: Interpreter, node: ast.UnaryOp, scope: Scope) -> Any:
    value = interp.eval(node.operand, scope)
    if isinstance(node.op, ast.Not):
        if isinstance(value, Opaque):  # `bias=not norm` with norm unread: unread too, not a guessed True
            return Opaque(value.what[4:]) if isinstance(value, NegatedOpaque) else NegatedOpaque(f"not {value.what}")
        return not interp.truth(value, node)
    if isinstance(value, Instance):
        found, method = value.cls.lookup({ast.USub: "__neg__", ast.UAdd: "__pos__"}.get(type(node.op), "__invert__"))
        if found:
            return interp.call(interp.bind_member(method, value, Context(interp, node)), [], {}, node)
    if isinstance(value, HostValue) and hasattr(value, "py_unaryop"):
        return value.py_unaryop(type(node.op), Context(interp, node))
    if isinstance(value, (Opaque, HostValue)):
        return Opaque("unary")
    ops: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
    return ops[type(node.op)](value)


def expr_BoolOp(interp: Interpreter, node: ast.BoolOp, scope: Scope) -> Any:
    value: Any = None
    for i, v in enumerate(node.values):
        value = interp.eval(v, scope)
        before = interp.opaque_tests
        truth = interp.truth(value, v)
        if interp.opaque_tests != before:  # `cond and A or B`: which value it gives is a guess
            protocol.warn_guess(interp, v, f"the value `{ast.unparse(v)[:60]}`", chosen_values(node.values[i:]))
        if isinstance(node.op, ast.And) and not truth:
            return value
        if isinstance(node.op, ast.Or) and truth:
            return value
    return value


def chosen_values(values: list[ast.expr]) -> list[ast.stmt]:
    """Expressions one of which a guessed condition picks, as the assignments of them that it makes in effect
    (`x = A if cond else B` is `if cond: x = A else: x = B`), for protocol.warn_guess."""
    return [ast.Assign(targets=[ast.Name("_", ast.Store())], value=v, lineno=0) for v in values]


def expr_Compare(interp: Interpreter, node: ast.Compare, scope: Scope) -> Any:
    left = interp.eval(node.left, scope)
    for op, comp in zip(node.ops, node.comparators):
        right = interp.eval(comp, scope)
        host = next((s for s in (left, right) if isinstance(s, HostValue) and hasattr(s, "py_compare")), None)
        if host is not None and len(node.ops) == 1:  # a framework's comparison (of tensors: a tensor)
            return host.py_compare(type(op), left, right, Context(interp, node))
        if isinstance(left, Opaque) or isinstance(right, Opaque):
            return Opaque("comparison")
        if isinstance(op, (ast.Eq, ast.NotEq)) and (_is_symbolic(left) or _is_symbolic(right)):
            interp.opaque_tests += 1  # `n == 1` of an unknown size n: sympy answers False; the branch is a guess
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, Instance):
            found, method = right.cls.lookup("__contains__")
            if found:
                inside = interp.truth(interp.call(interp.bind_member(method, right, Context(interp, node)), [left], {}, node), node)
                if inside != isinstance(op, ast.In):
                    return False
                left = right
                continue
            right = plain(right)
        try:
            result = CMPOPS[type(op)](left, right)
        except TypeError as e:
            raise interp.error(f"cannot compare {_describe(left)} and {_describe(right)}", node) from e
        if not interp.truth(result, node):
            return False
        left = right
    return True


def expr_IfExp(interp: Interpreter, node: ast.IfExp, scope: Scope) -> Any:
    before = interp.opaque_tests
    taken = interp.truth(interp.eval(node.test, scope), node.test)
    guessed = interp.opaque_tests != before
    if guessed:
        protocol.warn_guess(interp, node.test, f"the condition `{ast.unparse(node.test)[:60]}`",
                            chosen_values([node.body, node.orelse]))
    interp.guessing += guessed
    try:
        return interp.eval(node.body if taken else node.orelse, scope)
    finally:
        interp.guessing -= guessed


def expr_List(interp: Interpreter, node: ast.List, scope: Scope) -> Any:
    return interp.check(interp.elements(node.elts, scope), node)


def expr_Tuple(interp: Interpreter, node: ast.Tuple, scope: Scope) -> Any:
    return interp.check(tuple(interp.elements(node.elts, scope)), node)


def expr_Set(interp: Interpreter, node: ast.Set, scope: Scope) -> Any:
    return interp.check(interp.hashing(set, interp.elements(node.elts, scope), node), node)


def elements(interp: Interpreter, elts: list[ast.expr], scope: Scope) -> list[Any]:
    out: list[Any] = []
    for e in elts:
        if isinstance(e, ast.Starred):
            out.extend(interp.items(interp.eval(e.value, scope), e, already=len(out)))
        else:
            out.append(interp.eval(e, scope))
    return out


def expr_Dict(interp: Interpreter, node: ast.Dict, scope: Scope) -> Any:
    out: dict[Any, Any] = {}
    for k, v in zip(node.keys, node.values):
        if k is None:
            other = plain(interp.eval(v, scope))
            if isinstance(other, Opaque):
                interp.warn("unsupported", f"the items of {other.what} are not read into this dict", node=v)
            if isinstance(other, dict):
                interp.check_size(len(out) + len(other), v)
                out.update(other)
        else:
            key = interp.eval(k, scope)
            interp.hashing(lambda pair: out.__setitem__(*pair), (key, interp.eval(v, scope)), k)
    return interp.check(out, node)


def expr_Subscript(interp: Interpreter, node: ast.Subscript, scope: Scope) -> Any:
    obj = interp.eval(node.value, scope)
    key = interp.eval(node.slice, scope)
    if isinstance(obj, Instance):
        found, method = obj.cls.lookup("__getitem__")
        if found:
            return interp.call(interp.bind_member(method, obj, Context(interp, node)), [key], {}, node)
        obj = plain(obj)
    if isinstance(obj, HostValue):
        return obj.py_getitem(key, Context(interp, node))
    if isinstance(obj, Opaque) and obj.what.endswith(".shape") and isinstance(key, int):
        what = f"{ast.unparse(node.value)[:60]}[{key}]"
        raise UnreadSize(f"{what} is a size paramwise does not read", what, interp.location(node),
                         "write the number in the file, or give it a name and bind it with --set NAME=VALUE", node)
    if isinstance(obj, Opaque) or isinstance(key, Opaque):
        return Opaque("item")
    try:
        return interp.check(obj[key], node)
    except (IndexError, KeyError) as e:
        raise python_error(interp, type(e).__name__, f"cannot take item {_describe(key)} of {_describe(obj)}: no such item",
                           node) from e
    except (TypeError, ValueError, OverflowError) as e:
        raise interp.error(f"cannot take item {_describe(key)} of {_describe(obj)}: it cannot be indexed with that", node) from e


def expr_Slice(interp: Interpreter, node: ast.Slice, scope: Scope) -> Any:
    def part(n: ast.expr | None) -> Any:
        return None if n is None else interp.eval(n, scope)

    return slice(part(node.lower), part(node.upper), part(node.step))


def expr_Index(interp: Interpreter, node: Any, scope: Scope) -> Any:  # Python < 3.9 trees
    return interp.eval(node.value, scope)


def expr_JoinedStr(interp: Interpreter, node: ast.JoinedStr, scope: Scope) -> Any:
    parts = []
    total = 0
    for v in node.values:
        if isinstance(v, ast.FormattedValue):
            value = interp.eval(v.value, scope)
            spec = interp.eval(v.format_spec, scope) if v.format_spec is not None else ""
            if v.conversion in (ord("r"), ord("s"), ord("a")):
                value = interp.text(value, chr(v.conversion), v)
            part = interp.format_value(value, spec if isinstance(spec, str) else interp.text(spec, "s", v), v)
        else:
            part = interp.text(interp.eval(v, scope), "s", v)
        total += len(part)
        interp.check_size(total, node, "string")
        parts.append(part)
    return "".join(parts)


def expr_Lambda(interp: Interpreter, node: ast.Lambda, scope: Scope) -> Any:
    return Function("<lambda>", node, scope)


def expr_NamedExpr(interp: Interpreter, node: ast.NamedExpr, scope: Scope) -> Any:
    value = interp.eval(node.value, scope)
    interp.assign(node.target, value, scope)
    return value


def expr_Starred(interp: Interpreter, node: ast.Starred, scope: Scope) -> Any:
    return interp.eval(node.value, scope)


def expr_ListComp(interp: Interpreter, node: ast.ListComp, scope: Scope) -> Any:
    items = interp.comprehension(node.generators, lambda s: interp.eval(node.elt, s), scope, node)
    return items if isinstance(items, Opaque) else interp.check(items, node)


def expr_GeneratorExp(interp: Interpreter, node: ast.GeneratorExp, scope: Scope) -> Any:
    items = interp.comprehension(node.generators, lambda s: interp.eval(node.elt, s), scope, node)
    return items if isinstance(items, Opaque) else interp.check(items, node)


def expr_SetComp(interp: Interpreter, node: ast.SetComp, scope: Scope) -> Any:
    items = interp.comprehension(node.generators, lambda s: interp.eval(node.elt, s), scope, node)
    return items if isinstance(items, Opaque) else interp.check(interp.hashing(set, items, node), node)


def expr_DictComp(interp: Interpreter, node: ast.DictComp, scope: Scope) -> Any:
    pairs = interp.comprehension(node.generators, lambda s: (interp.eval(node.key, s), interp.eval(node.value, s)), scope, node)
    return pairs if isinstance(pairs, Opaque) else interp.check(interp.hashing(dict, pairs, node), node)


class _UnreadSource(Exception):
    """A comprehension's loop runs over a value paramwise does not read."""

    def __init__(self, source: Opaque, what: str = "") -> None:
        super().__init__(source.what)
        self.source = source
        self.what = what or f"a comprehension over {source.what}"


def comprehension(
    interp: Interpreter, generators: list[ast.comprehension], element: Callable[[Scope], Any], scope: Scope, node: ast.AST
) -> list[Any] | Opaque:
    """The items a comprehension makes; over a value paramwise does not read, an unknown value (never empty)."""
    inner = Scope(scope, "comprehension")
    out: list[Any] = []

    def loop(i: int) -> None:
        if i == len(generators):
            out.append(element(inner))
            if len(out) > MAX_SIZE:
                interp.check_size(len(out), node)
            return
        gen = generators[i]
        source = plain(interp.eval(gen.iter, inner))
        if isinstance(source, Opaque):
            raise _UnreadSource(source)
        if i == len(generators) - 1 and not gen.ifs and isinstance(source, (range, *CONTAINERS)):
            size = _range_len(source) if isinstance(source, range) else len(source)
            interp.check_size(len(out) + size, node, "comprehension")  # refused before it runs, not after
        for item in interp.iterate(source, gen.iter):
            interp.tick(node)
            interp.assign(gen.target, item, inner)
            if all(kept(cond) for cond in gen.ifs):
                loop(i + 1)

    def kept(cond: ast.expr) -> bool:
        value = interp.eval(cond, inner)
        if isinstance(value, Opaque):  # which items it keeps is not read: neither is what it holds
            raise _UnreadSource(value, f"a comprehension filtered by `{ast.unparse(cond)[:60]}`")
        return interp.truth(value, cond)

    try:
        loop(0)
    except _UnreadSource as e:
        return Opaque(e.what)
    return out


def expr_Call(interp: Interpreter, node: ast.Call, scope: Scope) -> Any:
    func = interp.eval(node.func, scope)
    args = interp.elements(node.args, scope)
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        value = interp.eval(kw.value, scope)
        if kw.arg is None:
            value = plain(value)
            if isinstance(value, Opaque):
                interp.warn("unsupported", f"the keyword arguments in {value.what} are not read", node=kw.value)
            if isinstance(value, dict):
                kwargs.update(value)
        else:
            kwargs[kw.arg] = value
    if isinstance(func, _Builtin) and func.name == "super":
        return interp.make_super(scope, node)
    return interp.call(func, args, kwargs, node)


class NegatedOpaque(Opaque):
    """`not x` of a value paramwise does not read: as unread as x, but a test on it guesses True (`if not x:` runs
    its body), the opposite of the guess on x itself."""


def truth(interp: Interpreter, value: Any, node: ast.AST) -> bool:
    if isinstance(value, Opaque):
        interp.opaque_tests += 1
        return isinstance(value, NegatedOpaque)
    if isinstance(value, Instance):
        for name in ("__bool__", "__len__"):
            found, method = value.cls.lookup(name)
            if found:
                return interp.truth(interp.call(interp.bind_member(method, value, Context(interp, node)), [], {}, node), node)
        return bool(value.data) if value.data is not None else True
    if isinstance(value, HostValue):
        return True
    try:
        return bool(value)
    except TypeError as e:
        names = ", ".join(sorted(str(s) for s in getattr(value, "free_symbols", ()))) or "an unknown value"
        raise interp.error(
            f"this condition depends on {names}, which is not known",
            node,
            hint=f"bind it with --set {names.split(',')[0]}=VALUE",
        ) from e


def iterate(interp: Interpreter, value: Any, node: ast.AST) -> Iterator[Any]:
    value = plain(value)
    if isinstance(value, Opaque):
        return iter(())
    if isinstance(value, HostValue):
        items = value.py_getattr("__iter__", Context(interp, node))
        if isinstance(items, list):
            return iter(items)
        raise interp.error(f"cannot loop over {_describe(value)}", node)
    if isinstance(value, dict):
        return iter(list(value))
    try:
        return iter(value)
    except TypeError as e:
        raise interp.error(f"cannot loop over {_describe(value)}", node, hint=_symbol_hint(value)) from e


def binop(interp: Interpreter, op: type, left: Any, right: Any, node: ast.AST) -> Any:
    if isinstance(left, Instance) or isinstance(right, Instance):
        return protocol.instance_binop(interp, op, left, right, node)
    if isinstance(left, (Opaque, HostValue)) or isinstance(right, (Opaque, HostValue)):
        for side in (left, right):
            if isinstance(side, HostValue) and hasattr(side, "py_binop"):
                return side.py_binop(op, left, right, Context(interp, node))
        return Opaque("arithmetic")
    left, right = _exact(left), _exact(right)
    interp.check_binop(op, left, right, node)
    if op is ast.Mod and isinstance(left, (str, bytes)):
        return interp.percent(left, right, node)
    try:
        result = BINOPS[op](left, right)
    except ZeroDivisionError as e:
        raise python_error(interp, "ZeroDivisionError", "division by zero", node) from e
    except OverflowError as e:
        raise interp.limit(f"{_describe(left)} {_op_text(op)} {_describe(right)} is too large to compute", node) from e
    except (TypeError, ValueError) as e:
        raise interp.error(f"cannot compute {_describe(left)} {_op_text(op)} {_describe(right)}", node) from e
    return interp.check(result, node)


def check_binop(interp: Interpreter, op: type, left: Any, right: Any, node: ast.AST) -> None:
    """Refuse an operation whose result would be over the limits, before computing it."""
    ints = isinstance(left, int) and isinstance(right, int)
    if op is ast.Pow and ints and right > 0 and abs(left) > 1 and (abs(left).bit_length() - 1) * right + 1 > MAX_INT_BITS:
        raise interp.limit(f"{_describe(left)} ** {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
    if op is ast.LShift and ints and left and right > 0 and abs(left).bit_length() + right > MAX_INT_BITS:
        raise interp.limit(f"{_describe(left)} << {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
    if op is ast.Mult and ints and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS + 1:
        raise interp.limit(f"{_describe(left)} * {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
    sequences = (str, bytes, list, tuple)
    if op is ast.Mult and (isinstance(left, sequences) or isinstance(right, sequences)):
        seq, n = (left, right) if isinstance(left, sequences) else (right, left)
        if isinstance(n, int) and n > 0:
            interp.check_size(n * max(len(seq), 1), node, _kind(seq))
    if op is ast.Add and isinstance(left, sequences) and isinstance(right, sequences):
        interp.check_size(len(left) + len(right), node, _kind(left))


# the function that evaluates each expression, by the name of its `ast` class (`expr_Call` evaluates `ast.Call`)
EXPRESSIONS: dict[str, Callable[[Interpreter, Any, Scope], Any]] = {
    name.removeprefix("expr_"): value for name, value in list(globals().items()) if name.startswith("expr_")
}
# the same by the class itself: one lookup, no name read (the classes ast.parse makes)
BY_TYPE: dict[type, Callable[[Interpreter, Any, Scope], Any]] = {
    getattr(ast, name): value for name, value in EXPRESSIONS.items() if isinstance(getattr(ast, name, None), type)
}
