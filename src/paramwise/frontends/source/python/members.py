"""Attribute access: reading and writing attributes of instances, classes, framework values and data, binding
methods and properties, `super()`, and `isinstance` over the file's own classes and the host's."""

from __future__ import annotations

import ast

from .builtins import (
    CONTAINERS,
    SAFE_BUILTINS,
    SAFE_METHODS,
    _Builtin,
    _describe,
    _HostInit,
    _is_scalar,
    _is_symbolic,
    _Method,
    _Noop,
)
from .exceptions import python_error
from .objects import (
    OBJECT_METHODS,
    ObjectMethod,
    builtin_class_attribute,
    instance_special,
    plain,
)
from .values import (
    BoundMethod,
    ClassValue,
    Context,
    Function,
    HostValue,
    Instance,
    Opaque,
    Property,
    Scope,
    SuperProxy,
    is_frozen,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


def set_attribute(interp: Interpreter, obj: Any, name: str, value: Any, node: ast.AST, raw: bool = False, host: bool = True) -> None:
    """`obj.name = value`; `raw` is object.__setattr__ (a class's own __setattr__ is not called), and
    `host` False leaves a framework base out (object.__setattr__ on an nn.Module subclass)."""
    ctx = Context(interp, node)
    if isinstance(obj, Instance):
        if not raw:
            found, method = obj.cls.lookup("__setattr__")
            if found:
                interp.call(interp.bind_member(method, obj, ctx), [name, value], {}, node)
                return
            if is_frozen(obj.cls):
                raise python_error(interp, "FrozenInstanceError", f"cannot assign to field '{name}'", node)
        if name == "__dict__":
            if value is obj and isinstance(obj.data, dict):
                obj.attrs = obj.data
            elif isinstance(value, dict):
                obj.attrs = value
            else:
                raise python_error(interp, "TypeError", "__dict__ must be set to a dictionary", node)
            return
        obj.attrs[name] = value
        base = obj.cls.host_base()
        if base is not None and host:
            base.py_instance_setattr(obj, name, value, ctx)
    elif isinstance(obj, HostValue):
        obj.py_setattr(name, value, ctx)
    elif isinstance(obj, ClassValue):
        obj.namespace[name] = value


def get_attribute(interp: Interpreter, obj: Any, name: str, node: ast.AST, raw: bool = False) -> Any:
    ctx = Context(interp, node)
    if isinstance(obj, HostValue):
        try:
            return obj.py_getattr(name, ctx)
        except AttributeError as e:
            raise python_error(interp, "AttributeError", f"{_describe(obj)} has no attribute '{name}'", node) from e
    if isinstance(obj, Opaque):
        return Opaque(f"{obj.what}.{name}")
    if isinstance(obj, Instance):
        return interp.instance_getattr(obj, name, ctx, raw)
    if isinstance(obj, SuperProxy):
        return interp.super_getattr(obj, name, ctx)
    if isinstance(obj, ClassValue):
        found, value = obj.lookup(name)
        if found:
            if isinstance(value, Function) and "classmethod" in value.decorators:
                return BoundMethod(value, obj)
            return value
        if name == "__name__":
            return obj.name
        host = obj.host_base()
        if host is not None:
            try:
                return host.py_getattr(name, ctx)
            except AttributeError as e:
                raise python_error(interp, "AttributeError", f"type object '{obj.name}' has no attribute '{name}'", node) from e
        for base in obj.mro():
            if isinstance(base, _Builtin) and (found := builtin_class_attribute(interp, base, name)) is not None:
                return found
        if name.startswith("__") or any(isinstance(b, (Opaque, _Builtin)) for b in obj.mro()):
            return Opaque(name)
        raise python_error(interp, "AttributeError", f"type object '{obj.name}' has no attribute '{name}'", node)
    if isinstance(obj, _Builtin):
        found = builtin_class_attribute(interp, obj, name)
        if found is not None:
            return found
    for typ, allowed in SAFE_METHODS.items():
        if isinstance(obj, typ) and name in allowed and not (typ is int and isinstance(obj, bool)):
            return _Method(obj, name)
    if _is_symbolic(obj) or isinstance(obj, (int, float)):
        if name in ("real", "numerator"):
            return obj
    if isinstance(obj, dict) and name in obj:
        return obj[name]
    if getattr(obj, "is_Symbol", False):
        return Opaque(f"{interp.undefined_object(getattr(obj, 'name', None) or str(obj), node).what}.{name}")
    if isinstance(obj, Function) and name in ("__name__", "__qualname__"):
        return obj.name  # a registry keyed by the function's name (`MODELS[fn.__name__] = fn`)
    if (_is_scalar(obj) or isinstance(obj, (*CONTAINERS, range, slice))) and not hasattr(obj, name):
        raise python_error(interp, "AttributeError", f"{_describe(obj)} has no attribute '{name}'", node)
    raise interp.error(f"{_describe(obj)} has no attribute '{name}' that paramwise can read", node)


def instance_getattr(interp: Interpreter, obj: Instance, name: str, ctx: Context, raw: bool = False) -> Any:
    if name in obj.attrs:
        return obj.attrs[name]
    found, value = obj.cls.lookup(name)
    if found:
        return interp.bind_member(value, obj, ctx)
    host = obj.cls.host_base()
    special, value = instance_special(interp, obj, name, ctx)
    if special and name.startswith("__"):  # the object protocol comes before a framework's attributes
        return value
    if host is not None:
        try:
            return host.py_instance_getattr(obj, name, ctx)
        except AttributeError:
            pass
    if special:
        return value
    found, method = obj.cls.lookup("__getattr__")
    if found and not raw:
        return interp.call(interp.bind_member(method, obj, ctx), [name], {}, ctx.node)
    raise python_error(interp, "AttributeError", f"'{obj.cls.name}' object has no attribute '{name}'", ctx.node)


def bind_member(interp: Interpreter, value: Any, obj: Any, ctx: Context) -> Any:
    if isinstance(value, HostValue) and hasattr(value, "py_bind"):
        return value.py_bind(obj)
    if isinstance(value, Property):
        return interp.call(value.getter, [obj], {}, ctx.node)
    if isinstance(value, Function):
        if "staticmethod" in value.decorators:
            return value
        if "classmethod" in value.decorators:
            return BoundMethod(value, obj.cls if isinstance(obj, Instance) else obj)
        return BoundMethod(value, obj)
    return value


def make_super(interp: Interpreter, scope: Scope, node: ast.AST) -> Any:
    found, self_value = scope.lookup("self")
    func_scope: Scope | None = scope
    owner = None
    while func_scope is not None and owner is None:
        owner = func_scope.vars.get("__class__")
        func_scope = func_scope.parent
    if not found or not isinstance(owner, ClassValue):
        return Opaque("super()")
    return SuperProxy(owner, self_value)


def super_getattr(interp: Interpreter, proxy: SuperProxy, name: str, ctx: Context) -> Any:
    mro = list(proxy.cls.mro())[1:]
    for cls in mro:
        if isinstance(cls, ClassValue):
            if name in cls.namespace:
                return interp.bind_member(cls.namespace[name], proxy.self_value, ctx)
        elif isinstance(cls, _Builtin):
            found = builtin_class_attribute(interp, cls, name)
            if found is not None and name != "__name__":
                return interp.bind_member(found, proxy.self_value, ctx)
        elif isinstance(cls, HostValue):
            if name == "__init__" and isinstance(proxy.self_value, Instance):
                instance = proxy.self_value
                return _HostInit(cls, instance)
            if name in OBJECT_METHODS and name != "__init__":
                return ObjectMethod(interp, name, proxy.self_value, host=True)
            if isinstance(proxy.self_value, Instance):
                try:
                    return cls.py_instance_getattr(proxy.self_value, name, ctx)
                except AttributeError:
                    return Opaque(f"super().{name}")
    if name in OBJECT_METHODS and name != "__init__":
        return ObjectMethod(interp, name, proxy.self_value, host=False)
    return _Noop()


def is_instance(interp: Interpreter, value: Any, types: Any) -> bool:
    if isinstance(value, Opaque):  # not known: the branch it decides is a guess
        interp.opaque_tests += 1
        return False
    options = types if isinstance(types, tuple) else (types,)
    for t in options:
        if isinstance(t, tuple):
            if interp.isinstance(value, t):
                return True
            continue
        if isinstance(t, type) and isinstance(value, t):
            return True
        if isinstance(t, _Builtin) and t.name == "object":
            return True
        if isinstance(t, _Builtin) and t.name in SAFE_BUILTINS and isinstance(SAFE_BUILTINS[t.name], type):
            if isinstance(plain(value), SAFE_BUILTINS[t.name]):
                return True
        if isinstance(t, ClassValue) and isinstance(value, Instance) and t in list(value.cls.mro()):
            return True
        if isinstance(t, HostValue) and hasattr(t, "py_instancecheck") and t.py_instancecheck(value):
            return True
    return False
