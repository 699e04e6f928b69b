"""Parts of Python's object protocol the interpreter runs through helpers here: `del` of attributes and
items, arithmetic on the file's own objects, getattr/setattr/delattr, iter/next."""

from __future__ import annotations

import ast

from .builtins import _describe, _op_text
from .exceptions import Raised, python_error
from .objects import plain
from .values import ClassValue, Context, HostValue, Instance, Opaque

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter

def delattr(interp: Interpreter, obj: Any, name: str, node: ast.AST) -> None:
    ctx = Context(interp, node)
    if isinstance(obj, Instance):
        if name not in obj.attrs:
            host = obj.cls.host_base()
            if host is None:
                raise python_error(interp, "AttributeError", f"'{obj.cls.name}' object has no attribute '{name}'", node)
        obj.attrs.pop(name, None)
        host = obj.cls.host_base()
        if host is not None:
            try:
                host.py_instance_delattr(obj, name, ctx)
            except AttributeError as e:
                raise python_error(interp, "AttributeError", f"'{obj.cls.name}' object has no attribute '{name}'", node) from e
    elif isinstance(obj, HostValue) and hasattr(obj, "py_delattr"):
        try:
            obj.py_delattr(name, ctx)
        except AttributeError as e:
            raise python_error(interp, "AttributeError", f"{_describe(obj)} has no attribute '{name}'", node) from e
    elif isinstance(obj, ClassValue):
        obj.namespace.pop(name, None)
    elif not isinstance(obj, Opaque):
        interp.warn("unsupported", f"del of the attribute '{name}' of {_describe(obj)} is not followed", node=node)

def delitem(interp: Interpreter, obj: Any, key: Any, node: ast.AST) -> None:
    obj = plain(obj)
    if isinstance(obj, HostValue) and hasattr(obj, "py_delitem"):
        obj.py_delitem(key, Context(interp, node))
    elif isinstance(obj, (list, dict)):
        try:
            del obj[key]
        except (KeyError, IndexError) as e:
            raise python_error(interp, type(e).__name__, f"cannot delete item {_describe(key)}: no such item", node) from e
        except TypeError as e:
            raise interp.error(f"cannot delete item {_describe(key)} of {_describe(obj)}", node) from e
    elif not isinstance(obj, Opaque):
        interp.warn("unsupported", f"del of an item of {_describe(obj)} is not followed", node=node)


def instance_binop(interp: Interpreter, op: type, left: Any, right: Any, node: ast.AST) -> Any:
    """Arithmetic on the file's objects: their __add__/__radd__ ..., or the list/dict they derive from."""
    names: dict[type, str] = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
            ast.Mod: "mod", ast.Pow: "pow", ast.MatMult: "matmul", ast.BitOr: "or", ast.BitAnd: "and"}
    name = names.get(op, "")
    ctx = Context(interp, node)
    for side, other, dunder in ((left, right, f"__{name}__"), (right, left, f"__r{name}__")):
        if name and isinstance(side, Instance):
            found, method = side.cls.lookup(dunder)
            if found:
                return interp.call(interp.bind_member(method, side, ctx), [other], {}, node)
    if plain(left) is not left or plain(right) is not right:
        return interp.binop(op, plain(left), plain(right), node)
    raise interp.error(f"cannot compute {_describe(left)} {_op_text(op)} {_describe(right)}", node)


def call_attribute_builtin(interp: Interpreter, name: str, args: list[Any], node: ast.AST) -> Any:
    """getattr(obj, "name"[, default]), setattr(obj, "name", value) and delattr(obj, "name") as `obj.name`
    reads, writes and deletes it."""
    if len(args) < 2 or not isinstance(args[1], str):
        interp.warn("unsupported", f"'{name}' is not run here: its attribute name is not a plain string", node=node)
        return Opaque(name)
    if args[1].startswith("_"):
        interp.warn("not_run", f"'{name}' is not run here: paramwise does not follow private names", node=node)
        return Opaque(name)
    if name == "setattr":
        if len(args) != 3:
            raise interp.error("setattr() takes 3 arguments", node)
        interp.setattr(args[0], args[1], args[2], node)
        return None
    if name == "delattr":
        interp.delattr(args[0], args[1], node)
        return None
    if len(args) == 3:
        try:
            return interp.getattr(args[0], args[1], node)
        except Raised as e:
            if e.is_a("AttributeError"):
                return args[2]
            raise
    return interp.getattr(args[0], args[1], node)

def iter_builtin(interp: Interpreter, name: str, args: list[Any], node: ast.AST) -> Any:
    """iter(x) as a list of what x holds, and next() of it (taking its first item)."""
    if not args:
        raise interp.error(f"{name}() needs an argument", node)
    if name == "iter":
        return interp.items(args[0], node)
    source = args[0]
    if isinstance(source, list):
        if source:
            return source.pop(0)
        if len(args) > 1:
            return args[1]
        raise python_error(interp, "StopIteration", "next() of an exhausted iterator", node)
    if isinstance(source, Opaque):
        return Opaque(f"next({source.what})")
    items = interp.items(source, node)
    if items:
        return items[0]
    if len(args) > 1:
        return args[1]
    raise python_error(interp, "StopIteration", "next() of an empty iterator", node)


def builds_something(body: list[ast.stmt]) -> bool:
    """Whether statements may change a model: they make an object of a class (`nn.Linear(...)`,
    `Block(...)`), set an attribute, or give a name a number."""
    for node in (n for stmt in body if not isinstance(stmt, ast.Raise) for n in ast.walk(stmt)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name[:1].isupper() or name in ("append", "extend", "add", "add_module", "insert", "register_parameter",
                                               "register_buffer", "register_module"):
                return True
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            return True  # `return self.dense(x)`: as `x = self.dense(x)` (Keras builds a layer on its first call)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                return True
            value = node.value
            if isinstance(node, ast.AugAssign) or isinstance(value, (ast.BinOp, ast.Call)) or (
                    isinstance(value, ast.Constant) and isinstance(value.value, (int, float))
                    and not isinstance(value.value, bool)):
                return True
    return False


def warn_guess(interp: Interpreter, node: ast.AST, what: str, body: list[ast.stmt]) -> None:
    """A branch or loop decided by a value paramwise does not read, where what it skips may build the model."""
    if builds_something(body):
        interp.warn("unsupported", f"{what} depends on a value paramwise does not read; what it would build or "
                    "set is not read", node=node)
