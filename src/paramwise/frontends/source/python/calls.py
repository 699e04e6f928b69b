"""Calls: of the file's own functions and classes (argument binding, instantiation), of framework values, of
the whitelisted builtins and methods of plain data, each refused when what it would make is over the limits."""

from __future__ import annotations

import ast
from collections.abc import Callable

from . import protocol
from .builtins import (
    SAFE_BUILTINS,
    _Builtin,
    _describe,
    _HostInit,
    _is_plain,
    _is_symbolic,
    _Method,
    _Noop,
    _range_len,
    _symbol_hint,
)
from .exceptions import Raised
from .limits import MAX_DEPTH
from .objects import (
    data_base,
    fill_data,
    new_data,
    plain,
    type_of,
    vars_of,
)
from .sizes import UnreadSize
from .statements import _Return
from .values import (
    BoundMethod,
    ClassValue,
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

# builtins that go through what an iterable holds: of a value paramwise does not read, the result is unknown too
OF_ITEMS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate", "reversed",
                      "min", "max", "dict"})


def call(interp: Interpreter, func: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
    if isinstance(func, Function):  # the file's own functions take no Context: made below for those that do
        return interp.call_function(func, args, kwargs, node)
    if isinstance(func, BoundMethod):
        return interp.call_function(func.func, [func.self_value, *args], kwargs, node)
    ctx = Context(interp, node)
    if isinstance(func, HostValue):
        return func.py_call(args, kwargs, ctx)
    if isinstance(func, ClassValue):
        return interp.instantiate(func, args, kwargs, ctx)
    if isinstance(func, Instance):
        found, method = func.cls.lookup("__call__")
        if found and isinstance(method, Function):
            return interp.call_function(method, [func, *args], kwargs, node)
        host = func.cls.host_base()
        if host is not None:
            return host.py_instance_call(func, args, kwargs, ctx)
        raise ctx.error(f"'{func.cls.name}' object is not callable")
    if isinstance(func, _HostInit):
        func.host.py_instance_init(func.instance, args, kwargs, ctx)
        return None
    if isinstance(func, _Noop):
        return None
    if isinstance(func, _Builtin):
        return interp.call_builtin(func.name, args, kwargs, node)
    if isinstance(func, _Method):
        return interp.call_method(func.obj, func.name, args, kwargs, node)
    if isinstance(func, Opaque):
        return Opaque(f"{func.what}()")
    if getattr(func, "is_Symbol", False):
        return interp.undefined_object(getattr(func, "name", None) or str(func), node)
    raise ctx.error(f"{_describe(func)} is not callable")


def undefined_object(interp: Interpreter, name: str, node: ast.AST | None) -> Opaque:
    """An undefined name that is called or has attributes is a thing (`SGD(...)`, `np.shape`), not a size."""
    interp.forget_symbol(name)
    interp.warn("undefined_name", f"'{name}' is not defined; what the code does with it is skipped", hint=f"import or define {name}", node=node)
    return Opaque(name)


def call_safe(interp: Interpreter, func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], node: ast.AST | None,
              what: str = "") -> Any:
    """Call a whitelisted builtin or method of plain data, whose arguments were checked to make nothing too
    large; an error names what the user wrote, never a Python repr of paramwise's own objects."""
    try:
        result = func(*args, **kwargs)
    except OverflowError as e:
        raise interp.limit(f"{what or 'this call'}: the result is too large", node) from e
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as e:
        plain = all(_is_plain(a) for a in [*args, *kwargs.values()])
        reason = str(e)[:200] if plain and not isinstance(e, KeyError) else "it cannot take these arguments"
        if isinstance(e, KeyError):
            reason = f"no key {_describe(e.args[0]) if e.args else ''}"
        raise interp.error(f"{what or 'this call'} failed: {reason}", node) from e
    return interp.check(result, node)


def call_builtin(interp: Interpreter, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
    at: ast.AST = node or ast.Pass()
    if name == "print":
        return None
    if name == "isinstance":
        return interp.isinstance(args[0], args[1])
    if name == "issubclass":
        probe = Instance(args[0]) if isinstance(args[0], ClassValue) else None
        return probe is not None and interp.isinstance(probe, args[1])
    if name == "type" and len(args) == 1 and not kwargs:
        return type_of(args[0])
    if name == "vars" and len(args) == 1:
        return vars_of(args[0], Context(interp, node))
    if name == "callable" and len(args) == 1:
        # stdlib.py is loaded for the files that use it (see builtins.STD_MODULES)
        from .stdlib import AbcClass

        return AbcClass("Callable").py_instancecheck(args[0])
    if name == "hasattr":
        if len(args) != 2 or not isinstance(args[1], str):
            raise interp.error("hasattr() takes an object and an attribute name", node)
        try:
            interp.getattr(args[0], args[1], at)
            return True
        except Raised as e:
            if e.is_a("AttributeError"):
                return False
            raise
    if name in ("getattr", "setattr", "delattr"):
        return protocol.call_attribute_builtin(interp, name, args, at)
    if name in ("iter", "next"):
        return protocol.iter_builtin(interp, name, args, at)
    if name in ("map", "filter") and any(isinstance(plain(a), Opaque) for a in args[1:]):
        return Opaque(f"{name}() over {next(plain(a) for a in args[1:] if isinstance(plain(a), Opaque)).what}")
    if name in ("map", "filter"):
        fn, seqs = args[0], [interp.items(seq, at) for seq in args[1:]]
        if not seqs:
            raise interp.error(f"{name}() needs something to loop over", node)
        if name == "map":
            out = []
            for vals in zip(*seqs):
                interp.tick(at)
                out.append(interp.call(fn, list(vals), {}, node))
            return interp.check(out, at)
        kept = []
        for x in seqs[0]:
            interp.tick(at)
            if interp.truth(interp.call(fn, [x], {}, node) if fn is not None else x, at):
                kept.append(x)
        return kept
    if name in ("type", "object", "property", "staticmethod", "classmethod", "vars"):
        return Opaque(name)
    if name in ("len", "str", "repr", "int", "float", "bool") and len(args) == 1 and isinstance(args[0], Instance):
        found, method = args[0].cls.lookup(f"__{name}__")
        if found:
            return interp.call(interp.bind_member(method, args[0], Context(interp, node)), [], {}, node)
    args = [plain(a) for a in args]
    if name == "range":
        if any(_is_symbolic(a) for a in args):
            raise interp.error("range() of an unknown size cannot be followed", node, hint=_symbol_hint(args))
        if not all(isinstance(a, int) for a in args):
            unread = ", ".join(a.what for a in args if isinstance(a, Opaque)) or "a value that is not an integer"
            raise interp.error(f"range() is given a value paramwise cannot read: {unread}", node,
                             hint="write the value as a number in the file")
        return interp.call_safe(range, args, kwargs, node, "range()")
    if name == "len" and len(args) == 1 and isinstance(args[0], range):
        return _range_len(args[0])
    if name == "len" and len(args) == 1 and isinstance(args[0], Opaque):  # never a silent 0
        written = ast.unparse(node.args[0])[:60] if isinstance(node, ast.Call) and node.args else args[0].what
        raise UnreadSize(f"len() of {written}, which paramwise does not read", f"len({written})",
                         interp.location(node), "write the number in the file, or give it a name and bind it with "
                         "--set NAME=VALUE", node)
    if name in ("int", "float", "round") and len(args) == 1 and isinstance(args[0], Opaque):
        raise UnreadSize(f"{name}() of {args[0].what}, which paramwise does not read", f"{name}({args[0].what})",
                         interp.location(node), "write the number in the file, or give it a name and bind it with "
                         "--set NAME=VALUE", node)
    if name in ("str", "repr") and len(args) == 1 and not kwargs:
        return interp.text(args[0], "r" if name == "repr" else "s", at)
    if name == "pow" and len(args) == 2 and not kwargs:
        return interp.binop(ast.Pow, args[0], args[1], at)
    if args and isinstance(args[0], Opaque) and name in OF_ITEMS or name == "zip" and any(isinstance(a, Opaque) for a in args):
        held = next(a for a in args if isinstance(a, Opaque))
        return Opaque(f"{name}({held.what})")  # what it holds is unknown: never an empty list (len() of it is a named size)
    if args and (name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate", "reversed")
                 or name in ("min", "max") and len(args) == 1 or name == "dict" and not isinstance(args[0], dict)
                 or name == "len" and isinstance(args[0], (Opaque, HostValue))):
        args = [interp.items(args[0], at), *args[1:]]
    if name == "zip":
        args = [interp.items(a, at) for a in args]
    if name == "sum" and args and isinstance(args[0], list) and any(isinstance(a, (HostValue, Instance, Opaque))
                                                                     for a in args[0]):
        total = args[1] if len(args) > 1 else kwargs.get("start", 0)  # tensors, objects: added as `+` adds them
        for item in args[0]:
            interp.tick(at)
            total = interp.binop(ast.Add, total, item, at)
        return total
    if name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate", "reversed", "zip",
                "min", "max", "dict"):
        if name == "sum" and args and isinstance(args[0], list):
            interp.check_sum(args[0], args[1] if len(args) > 1 else kwargs.get("start", 0), at)
        if name in ("enumerate", "zip", "reversed"):  # made whole: a list, sized like its input
            return interp.check(interp.call_safe(lambda *a, **k: list(SAFE_BUILTINS[name](*a, **k)), args, kwargs, node,
                                             f"{name}()"), at)
    if name in ("int", "float", "round", "chr", "hex", "bin", "divmod", "abs") and any(
        isinstance(a, str) and len(a) > 5000 for a in args
    ):
        raise interp.limit(f"{name}() of a text of {len(args[0]):,} characters; stopped", node)
    return interp.call_safe(SAFE_BUILTINS[name], args, kwargs, node, f"{name}()")


def call_method(interp: Interpreter, obj: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
    """A whitelisted method of plain data, refused when what it would make is over the limits."""
    at: ast.AST = node or ast.Pass()
    what = f"{type(obj).__name__}.{name}()"
    if isinstance(obj, str):
        if name == "format":
            return interp.str_format(obj, args, kwargs, at)
        if name == "join" and args and isinstance(plain(args[0]), Opaque):
            return Opaque(f"str.join() of {plain(args[0]).what}")
        if name == "join" and args:
            parts = interp.items(args[0], at)
            if not all(isinstance(p, str) for p in parts):
                raise interp.error(f"{what} joins only strings", node)
            interp.check_size(sum(map(len, parts)) + len(obj) * max(len(parts) - 1, 0), at, "string")
            args = [parts, *args[1:]]
        if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            count = len(obj) + 1 if args[0] == "" else obj.count(args[0])
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                count = min(count, args[2])
            interp.check_size(len(obj) + count * (len(args[1]) - len(args[0])), at, "string")
        if name == "zfill" and args and isinstance(args[0], int):
            interp.check_size(args[0], at, "string")
    elif isinstance(obj, list):
        if name in ("append", "insert"):
            interp.check_size(len(obj) + 1, at)
            if args:
                interp.check_nesting([args[-1]], at)
        if name == "extend" and args:
            added = interp.items(args[0], at, already=len(obj))
            interp.check_nesting(added, at)
            args = [added]
    elif isinstance(obj, (set, dict)):
        if name == "update":
            pairs = [x for a in args for x in interp.items(a.items() if isinstance(a, dict) else a, at)]
            interp.check_size(len(obj) + len(pairs) + len(kwargs), at)
            interp.check_nesting(pairs, at)
            args = [dict(pairs) if isinstance(obj, dict) else pairs] if args else []
        if name in ("add", "setdefault"):
            interp.check_size(len(obj) + 1, at)
            interp.check_nesting(list(args), at)
    return interp.call_safe(getattr(obj, name), args, kwargs, node, what)


def instantiate(interp: Interpreter, cls: ClassValue, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    instance = Instance(cls, data=new_data(cls))
    host = cls.host_base()
    if host is not None and hasattr(host, "py_new_instance"):
        host.py_new_instance(instance, ctx)
    found, init = cls.lookup("__init__")
    if found and isinstance(init, Function):
        interp.call_function(init, [instance, *args], kwargs, ctx.node)
    elif found and isinstance(init, HostValue) and hasattr(init, "py_bind"):
        interp.call(init.py_bind(instance), args, kwargs, ctx.node)
    elif host is not None:
        host.py_instance_init(instance, args, kwargs, ctx)
    elif data_base(cls) is not None:
        fill_data(instance, args, kwargs, interp, ctx)
    if host is not None and hasattr(host, "py_after_init"):
        host.py_after_init(instance, ctx)
    return instance


def call_function(interp: Interpreter, func: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
    if interp.depth >= MAX_DEPTH:
        raise interp.limit(f"calls nest deeper than {MAX_DEPTH} levels; stopped", node, hint="is this recursion meant to end?")
    interp.depth += 1
    saved = interp.current
    try:
        scope = Scope(func.closure, "function")
        if func.owner is not None:
            scope.vars["__class__"] = func.owner
        interp.bind_arguments(func, args, kwargs, scope, node)
        if isinstance(func.node, ast.Lambda):
            return interp.eval(func.node.body, scope)
        try:
            interp.exec_block(func.node.body, scope)
        except _Return as r:
            return r.value
        return None
    finally:
        interp.depth -= 1
        interp.current = saved


def bind_arguments(interp: Interpreter, func: Function, args: list[Any], kwargs: dict[str, Any], scope: Scope, node: ast.AST | None) -> None:
    spec = func.node.args
    positional = [a.arg for a in spec.posonlyargs + spec.args]
    defaults = spec.defaults
    default_of = {positional[len(positional) - len(defaults) + i]: d for i, d in enumerate(defaults)}
    for name, value in zip(positional, args):
        scope.vars[name] = value
    extra = list(args[len(positional):])
    if spec.vararg is not None:
        scope.vars[spec.vararg.arg] = tuple(extra)
    elif extra:
        raise interp.error(f"{func.name}() takes {len(positional)} positional arguments but {len(args)} were given", node)
    rest: dict[str, Any] = {}
    kwonly = {a.arg for a in spec.kwonlyargs}
    for name, value in kwargs.items():
        if name in positional or name in kwonly:
            if name in scope.vars:
                raise interp.error(f"{func.name}() got multiple values for argument '{name}'", node)
            scope.vars[name] = value
        else:
            rest[name] = value
    if spec.kwarg is not None:
        scope.vars[spec.kwarg.arg] = rest
    elif rest:
        raise interp.error(f"{func.name}() got an unexpected keyword argument '{next(iter(rest))}'", node)
    for name in positional:
        if name not in scope.vars:
            if name not in default_of:
                raise interp.error(f"{func.name}() is missing the argument '{name}'", node)
            scope.vars[name] = interp.eval(default_of[name], func.closure)
    for a, d in zip(spec.kwonlyargs, spec.kw_defaults):
        if a.arg not in scope.vars:
            if d is None:
                raise interp.error(f"{func.name}() is missing the keyword argument '{a.arg}'", node)
            scope.vars[a.arg] = interp.eval(d, func.closure)
