"""The values the interpreter makes and hands to host objects: opaque values, host values (what a framework
reader puts in scope), the file's functions, classes and instances, scopes, and the Context host objects see."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from ....errors import InputError, Location
from ....frozen import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


class Opaque:
    """Something paramwise does not model (an optimizer, a dataset, a file): every use gives another."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


class HostValue:
    """A framework object provided by a frontend. Override the hooks it needs."""

    def __repr__(self) -> str:
        return "<framework object>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return Opaque(f"{self!r}.{name}")

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        pass

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return Opaque(f"{self!r}()")

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        return Opaque(f"{self!r}[...]")

    # Optional hooks a frontend may define: py_binop(op, left, right, ctx), py_unaryop(op, ctx) (-x, +x, ~x) and
    # py_compare(op, left, right, ctx) (tensor arithmetic and comparisons), py_setitem/py_delitem/py_delattr, py_instancecheck(value),
    # py_type() (what type(x) gives), py_bind(obj) (a method stored on a class).

    # a class from a framework that user classes derive from (keras.Model, nn.Module)
    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        pass

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        raise AttributeError(name)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        pass

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return Opaque(f"{instance.cls.name}()")

    def py_instance_delattr(self, instance: Instance, name: str, ctx: Context) -> None:
        """`del self.name` on an instance of a class deriving from this one (after the attribute is removed)."""

    # copy.copy / copy.deepcopy. `copier(value)` copies a value inside this one (deep copies share a memo, so
    # a module used twice is copied once). A framework object that does not implement these is not copied:
    # the interpreter warns that the copy shares its parameters with the original.
    def py_copy(self, deep: bool, copier: Callable[[Any], Any], ctx: Context) -> Any:
        return NotImplemented

    def py_instance_copy(self, old: Instance, new: Instance, deep: bool, copier: Callable[[Any], Any], ctx: Context) -> bool:
        """Fill `new.host` as a copy of `old.host` (the instance's own attributes are copied already); False when
        this class cannot copy its instances' state."""
        return old.host is None


class Atomic(HostValue):
    """A framework function, class or namespace: Python's copy.copy/deepcopy give back the object itself, as
    they do for every function, class and module."""

    def py_copy(self, deep: bool, copier: Callable[[Any], Any], ctx: Context) -> Any:
        return self


@record
class Function:
    """A function the file defines (or a lambda): its code and the scope it closes over."""

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    closure: Scope
    owner: ClassValue | None = None
    decorators: tuple[str, ...] = ()


@record
class ClassValue:
    """A class the file defines: its bases and namespace."""

    name: str
    bases: list[Any]
    namespace: dict[str, Any]
    node: ast.ClassDef

    def mro(self) -> Iterator[Any]:
        yield self
        for base in self.bases:
            if isinstance(base, ClassValue):
                yield from base.mro()
            else:
                yield base

    def lookup(self, name: str) -> tuple[bool, Any]:
        for cls in self.mro():
            if isinstance(cls, ClassValue) and name in cls.namespace:
                return True, cls.namespace[name]
        return False, None

    def host_base(self) -> HostValue | None:
        for cls in self.mro():
            if isinstance(cls, HostValue):
                return cls
        return None


def is_frozen(cls: ClassValue) -> bool:
    """A `@dataclass(frozen=True)` class of the file (records.py marks it): its instances refuse assignment."""
    return cls.lookup("__frozen__")[1] is True


@record(eq=False)
class Instance:
    """An instance of a class the file defines."""

    cls: ClassValue
    attrs: dict[str, Any] = field(default_factory=dict)
    host: Any = None  # state a frontend keeps for instances of its classes
    data: Any = None  # the dict or list itself, for an instance of a class deriving from dict or list

    def __repr__(self) -> str:
        return f"<{self.cls.name} instance>"


@record
class BoundMethod:
    """A function of the file bound to an instance."""

    func: Function
    self_value: Any


@record
class SuperProxy:
    """What `super()` gives inside a method."""

    cls: ClassValue
    self_value: Any


@record
class Property:
    """A `@property` of a class the file defines."""

    getter: Function


class Scope:
    def __init__(self, parent: Scope | None = None, kind: str = "function") -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.kind = kind
        self.globals_declared: set[str] = set()
        self.nonlocal_scopes: dict[str, Scope] = {}  # `nonlocal n`: the enclosing scope that holds n

    def lookup(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars and not (scope.kind == "class" and scope is not self):
                return True, scope.vars[name]
            scope = scope.parent
        return False, None

    def root(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@record
class Context:
    """What host objects see: where they are called from, and how to warn."""

    interp: Interpreter
    node: ast.AST | None

    @property
    def location(self) -> Location:
        return self.interp.location(self.node)

    def warn(self, code: str, message: str, hint: str = "", node: ast.AST | None = None) -> None:
        self.interp.warn(code, message, hint, node or self.node)

    def error(self, message: str, hint: str = "") -> InputError:
        return InputError(message, hint=hint, location=self.location)

    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
        return self.interp.call(func, args, kwargs or {}, self.node)
