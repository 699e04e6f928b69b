"""Python's object protocol for the file's own classes: `__dict__`, `__class__`, `__setattr__`/`__getattr__`
defined by a class, `object.__setattr__`, classes deriving from `dict` or `list` (attribute-dict configs),
`type(x)` and `vars(x)`."""

from __future__ import annotations

import ast

from .builtins import SAFE_BUILTINS, SAFE_METHODS, _Builtin, _Method
from .exceptions import python_error
from .values import ClassValue, Context, HostValue, Instance, Opaque, Scope

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter

DATA_TYPES = {"dict": dict, "list": list, "tuple": tuple, "set": set}


def data_base(cls: ClassValue) -> str | None:
    """`dict` for `class Config(dict)` (at any depth), likewise list, tuple and set; None otherwise."""
    for base in cls.mro():
        if isinstance(base, _Builtin) and base.name in DATA_TYPES:
            return base.name
    return None


def new_data(cls: ClassValue) -> Any:
    name = data_base(cls)
    return DATA_TYPES[name]() if name is not None else None


def fill_data(instance: Instance, args: list[Any], kwargs: dict[str, Any], interp: Interpreter, ctx: Context) -> None:
    """`dict.__init__(self, *args, **kwargs)` and the like, for an instance of a class deriving from dict/list."""
    if isinstance(instance.data, dict):
        for arg in args:
            source = plain(arg)
            pairs = list(source.items()) if isinstance(source, dict) else interp.items(source, ctx.node or _none())
            for pair in pairs:
                key, value = interp.items(pair, ctx.node or _none())
                instance.data[key] = value
        instance.data.update(kwargs)
    elif isinstance(instance.data, (list, set)) and args:
        instance.data.clear()
        items = interp.items(plain(args[0]), ctx.node or _none())
        instance.data.extend(items) if isinstance(instance.data, list) else instance.data.update(items)
    elif isinstance(instance.data, tuple) and args:
        instance.data = tuple(interp.items(plain(args[0]), ctx.node or _none()))


def _none() -> Any:
    return ast.Pass()


def plain(value: Any) -> Any:
    """The dict or list an instance of a dict/list subclass holds; any other value as it is."""
    if isinstance(value, Instance) and value.data is not None:
        return value.data
    return value


class ObjectMethod(HostValue):
    """`object.__setattr__`, `super().__setattr__`, `dict.__init__`, `dict.__getitem__` ...: the built-in
    behaviour, bound to an instance (`self_value`) or, unbound, taking it as the first argument."""

    def __init__(self, interp: Interpreter, name: str, self_value: Any = None, host: bool = True) -> None:
        self.interp = interp
        self.name = name
        self.self_value = self_value
        self.host = host  # whether a framework base sees the attribute set (nn.Module.__setattr__ does)

    def __repr__(self) -> str:
        return f"<method {self.name}>"

    def py_bind(self, obj: Any) -> ObjectMethod:
        return ObjectMethod(self.interp, self.name, obj, self.host)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if self.self_value is None:
            if not args:
                raise ctx.error(f"{self.name}() needs the object as its first argument")
            obj, args = args[0], list(args[1:])
        else:
            obj = self.self_value
        interp = self.interp
        node = ctx.node or _none()
        if self.name == "__init__":
            if isinstance(obj, Instance) and obj.data is not None:
                fill_data(obj, args, kwargs, interp, ctx)
            return None
        if self.name == "__setattr__" and len(args) == 2 and isinstance(args[0], str):
            interp.setattr(obj, args[0], args[1], node, raw=True, host=self.host)
            return None
        if self.name == "__getattribute__" and len(args) == 1 and isinstance(args[0], str):
            return interp.getattr(obj, args[0], node, raw=True)
        if self.name == "__delattr__" and len(args) == 1 and isinstance(args[0], str):
            interp.delattr(obj, args[0], node)
            return None
        data = plain(obj)
        if self.name in ("__getitem__", "__setitem__", "__delitem__", "__contains__", "__len__") and data is not obj:
            try:
                if self.name == "__getitem__":
                    return data[args[0]]
                if self.name == "__setitem__":
                    data[args[0]] = args[1]
                    return None
                if self.name == "__delitem__":
                    del data[args[0]]
                    return None
                if self.name == "__contains__":
                    return args[0] in data
                return len(data)
            except KeyError as e:
                raise python_error(interp, "KeyError", f"no key {args[0]!r:.60}" if isinstance(args[0], (str, int)) else "no such key", node) from e
            except (IndexError, TypeError) as e:
                raise python_error(interp, type(e).__name__, f"cannot take item of {type(data).__name__}", node) from e
        raise ctx.error(f"{self.name}() is not something paramwise runs here")


OBJECT_METHODS = ("__setattr__", "__getattribute__", "__delattr__", "__init__")
DATA_METHODS = ("__getitem__", "__setitem__", "__delitem__", "__contains__", "__len__", "__init__")


def builtin_class_attribute(interp: Interpreter, cls: _Builtin, name: str) -> Any:
    """`object.__setattr__`, `dict.__getitem__`, `dict.__init__` ... (unbound); `int.__name__`."""
    if name == "__name__":
        return cls.name
    if name in OBJECT_METHODS or cls.name in DATA_TYPES and name in DATA_METHODS:
        return ObjectMethod(interp, name, None, host=False)
    if cls.name in DATA_TYPES and name in SAFE_METHODS.get(DATA_TYPES[cls.name], set()):
        return UnboundMethod(name)
    return None


class UnboundMethod(HostValue):
    """`dict.update`, `list.append` ... taken from the class: the object comes as the first argument."""

    def __init__(self, name: str) -> None:
        self.name = name

    def py_bind(self, obj: Any) -> Any:
        return _Method(plain(obj), self.name)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if not args:
            raise ctx.error(f"{self.name}() needs the object as its first argument")
        return ctx.interp.call_method(plain(args[0]), self.name, list(args[1:]), kwargs, ctx.node)


def instance_special(interp: Interpreter, obj: Instance, name: str, ctx: Context) -> tuple[bool, Any]:
    """The attributes every object has: `__dict__`, `__class__`, and the built-in methods of `object` (and of
    dict/list for their subclasses) where the class does not define them."""
    if name == "__dict__":
        return True, obj.attrs
    if name == "__class__":
        return True, obj.cls
    if name in OBJECT_METHODS:
        return True, ObjectMethod(interp, name, obj)
    if obj.data is not None:
        if name in DATA_METHODS:
            return True, ObjectMethod(interp, name, obj)
        if name in SAFE_METHODS.get(type(obj.data), set()):
            return True, _Method(obj.data, name)
    return False, None


def type_of(value: Any) -> Any:
    """`type(x)`: the class of the file's objects; the built-in type of plain data; a framework object's own
    answer where it gives one."""
    if isinstance(value, Instance):
        return value.cls
    if isinstance(value, HostValue):
        answer = getattr(value, "py_type", None)
        return answer() if answer is not None else Opaque("type()")
    if isinstance(value, (ClassValue, _Builtin)):
        return _Builtin("type")
    name = type(value).__name__
    if name in SAFE_BUILTINS:
        return _Builtin(name)
    return Opaque("type()")


def vars_of(value: Any, ctx: Context) -> Any:
    """`vars(x)`: the attributes of an object as its live dict (an argparse or SimpleNamespace namespace too)."""
    if isinstance(value, Instance):
        return value.attrs
    attrs = getattr(value, "attrs", None) if isinstance(value, HostValue) else None
    if isinstance(attrs, dict):
        return attrs
    ctx.warn("not_run", "vars() of this value is not read: paramwise reads the attributes of the file's own objects only")
    return Opaque("vars()")


class LocalsFunction(HostValue):
    """`locals()`: a new dict of the names the calling function (or module) has bound so far, as Python gives it
    (configs collected with `kwargs = dict(locals())`). Only the file's own names and values are in it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def __repr__(self) -> str:
        return "<built-in function locals>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if args or kwargs:
            raise ctx.error("locals() takes no arguments")
        return dict(self.scope.vars)
