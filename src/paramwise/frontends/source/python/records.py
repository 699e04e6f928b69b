"""Classes of records: `@dataclass` (fields with defaults and `field(default_factory=...)`, `__post_init__`,
`frozen=True`, the generated `__init__` inherited by subclasses) and named tuples (`typing.NamedTuple`
classes and `collections.namedtuple(...)`), as Python makes them."""

from __future__ import annotations

import ast

from .exceptions import python_error
from .values import ClassValue, Context, HostValue, Instance, Opaque, is_frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter

MISSING = Opaque("no default")


class FieldSpec(HostValue):
    """`dataclasses.field(...)`, and then one field of a dataclass."""

    def __init__(self, name: str = "", default: Any = MISSING, factory: Any = MISSING, init: bool = True) -> None:
        self.name, self.default, self.factory, self.init = name, default, factory, init

    def __repr__(self) -> str:
        return f"<field {self.name}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "name":
            return self.name
        if name in ("default", "default_factory"):
            return self.default if name == "default" else self.factory
        raise AttributeError(name)


class FieldFunction(HostValue):
    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return FieldSpec("", kwargs.get("default", MISSING), kwargs.get("default_factory", MISSING),
                         kwargs.get("init", True) is not False)


def _annotated(node: ast.ClassDef) -> list[ast.AnnAssign]:
    out = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            text = ast.unparse(stmt.annotation)
            if not text.startswith(("ClassVar", "typing.ClassVar")):
                out.append(stmt)
    return out


class DataclassDecorator(HostValue):
    """`@dataclass` and `@dataclass(frozen=True, ...)`."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = options or {}

    def __repr__(self) -> str:
        return "<function dataclass>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if args and isinstance(args[0], ClassValue):
            return self.py_decorate_class(args[0], ctx)
        return DataclassDecorator(kwargs)

    def py_decorate_class(self, cls: ClassValue, ctx: Context) -> ClassValue:
        make_dataclass(cls, self.options.get("frozen") is True, self.options.get("init", True) is not False)
        return cls


def make_dataclass(cls: ClassValue, frozen: bool, init: bool) -> None:
    fields: dict[str, FieldSpec] = {}
    for base in reversed(list(cls.mro())[1:]):
        if isinstance(base, ClassValue) and isinstance(base.namespace.get("__dataclass_fields__"), dict):
            fields.update(base.namespace["__dataclass_fields__"])
    for stmt in _annotated(cls.node):
        name = stmt.target.id  # type: ignore[union-attr]
        value = cls.namespace.get(name, MISSING)
        spec = value if isinstance(value, FieldSpec) else FieldSpec(name, value)
        spec.name = name
        if isinstance(value, FieldSpec):
            if spec.default is MISSING:
                cls.namespace.pop(name, None)
            else:
                cls.namespace[name] = spec.default
        fields.pop(name, None)
        fields[name] = spec
    cls.namespace["__dataclass_fields__"] = fields
    cls.namespace.setdefault("__match_args__", tuple(n for n, f in fields.items() if f.init))
    if frozen:
        cls.namespace["__frozen__"] = True
    if init and "__init__" not in cls.namespace:
        cls.namespace["__init__"] = DataclassInit(cls)


class DataclassInit(HostValue):
    """The `__init__` that @dataclass writes: the fields, in order, with their defaults; then __post_init__."""

    def __init__(self, cls: ClassValue, self_value: Any = None) -> None:
        self.cls, self.self_value = cls, self_value

    def __repr__(self) -> str:
        return f"<method {self.cls.name}.__init__>"

    def py_bind(self, obj: Any) -> DataclassInit:
        return DataclassInit(self.cls, obj)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        obj = self.self_value
        if obj is None:
            obj, args = (args[0], list(args[1:])) if args else (None, args)
        if not isinstance(obj, Instance):
            raise ctx.error(f"{self.cls.name}.__init__() needs an instance")
        fields = [f for f in self.cls.namespace["__dataclass_fields__"].values() if f.init]
        values = bind(ctx, self.cls.name, [f.name for f in fields], args, kwargs,
                      {f.name: f for f in fields if f.default is not MISSING or f.factory is not MISSING})
        for spec in fields:
            value = values[spec.name]
            if value is spec:
                value = spec.default if spec.default is not MISSING else ctx.call(spec.factory, [])
            if is_frozen(obj.cls):
                obj.attrs[spec.name] = value
            else:
                ctx.interp.setattr(obj, spec.name, value, ctx.node or ast.Pass())
        found, post = obj.cls.lookup("__post_init__")
        if found:
            ctx.call(ctx.interp.bind_member(post, obj, ctx), [])
        return None


def bind(ctx: Context, owner: str, names: list[str], args: list[Any], kwargs: dict[str, Any],
         defaults: dict[str, Any]) -> dict[str, Any]:
    """Arguments to fields as Python binds them; a field left out takes its entry in `defaults`."""
    interp = ctx.interp
    if len(args) > len(names):
        raise python_error(interp, "TypeError", f"{owner}() takes {len(names)} positional arguments but "
                           f"{len(args)} were given", ctx.node)
    values = dict(zip(names, args))
    for key, value in kwargs.items():
        if key not in names:
            raise python_error(interp, "TypeError", f"{owner}() got an unexpected keyword argument '{key}'", ctx.node)
        if key in values:
            raise python_error(interp, "TypeError", f"{owner}() got multiple values for argument '{key}'", ctx.node)
        values[key] = value
    for name in names:
        if name not in values:
            if name not in defaults:
                raise python_error(interp, "TypeError", f"{owner}() is missing the argument '{name}'", ctx.node)
            values[name] = defaults[name]
    return values


def asdict(value: Any, ctx: Context) -> Any:
    if isinstance(value, Instance) and isinstance(value.cls.lookup("__dataclass_fields__")[1], dict):
        return {name: asdict(ctx.interp.getattr(value, name, ctx.node or ast.Pass()), ctx)
                for name in value.cls.lookup("__dataclass_fields__")[1]}
    if isinstance(value, list):
        return [asdict(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: asdict(v, ctx) for k, v in value.items()}
    return value


class DataclassesFunction(HostValue):
    """`dataclasses.asdict`, `replace`, `fields`, `is_dataclass`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        target = args[0] if args else None
        cls = target.cls if isinstance(target, Instance) else target
        fields = cls.lookup("__dataclass_fields__")[1] if isinstance(cls, ClassValue) else None
        if self.name == "is_dataclass":
            return isinstance(fields, dict)
        if not isinstance(fields, dict) or not isinstance(cls, ClassValue):
            raise ctx.error(f"dataclasses.{self.name}() needs a dataclass")
        if self.name == "fields":
            return tuple(fields.values())
        if self.name == "asdict":
            return asdict(target, ctx)
        # replace
        given = {n: ctx.interp.getattr(target, n, ctx.node or ast.Pass()) for n, f in fields.items() if f.init}
        given.update(kwargs)
        return ctx.call(cls, [], given)


# -- named tuples ------------------------------------------------------------------------------------------


class NamedTupleBase(HostValue):
    """`typing.NamedTuple` as a base class, or the base `collections.namedtuple(...)` makes: instances hold
    their fields as attributes and as a tuple (indexing, unpacking, len)."""

    def __init__(self, fields: list[str] | None = None, defaults: dict[str, Any] | None = None) -> None:
        self.fields, self.defaults = fields, defaults or {}

    def __repr__(self) -> str:
        return "<class NamedTuple>"

    def layout(self, cls: ClassValue) -> tuple[list[str], dict[str, Any]]:
        if self.fields is not None:
            return self.fields, self.defaults
        for c in cls.mro():
            if isinstance(c, ClassValue) and any(b is self for b in c.bases):
                names = [s.target.id for s in _annotated(c.node)]  # type: ignore[union-attr]
                return names, {n: c.namespace[n] for n in names if n in c.namespace}
        return [], {}

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        names, defaults = self.layout(instance.cls)
        values = bind(ctx, instance.cls.name, names, args, kwargs, defaults)
        instance.data = tuple(values[n] for n in names)
        instance.attrs.update(values)

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        names, _ = self.layout(instance.cls)
        if name == "_fields":
            return tuple(names)
        if name == "_asdict":
            return _TupleMethod(instance, name, self)
        if name == "_replace":
            return _TupleMethod(instance, name, self)
        raise AttributeError(name)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        instance.attrs.pop(name, None)
        raise python_error(ctx.interp, "AttributeError", f"can't set attribute '{name}' of a named tuple", ctx.node)


class _TupleMethod(HostValue):
    def __init__(self, instance: Instance, name: str, base: NamedTupleBase) -> None:
        self.instance, self.name, self.base = instance, name, base

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        names, _ = self.base.layout(self.instance.cls)
        current = dict(zip(names, self.instance.data or ()))
        if self.name == "_asdict":
            return current
        current.update(kwargs)
        return ctx.call(self.instance.cls, [], current)


class NamedTupleFactory(HostValue):
    """`collections.namedtuple("Point", "x y")` / `(..., ["x", "y"], defaults=(0,))`."""

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        name = args[0] if args else kwargs.get("typename")
        spec = args[1] if len(args) > 1 else kwargs.get("field_names")
        if isinstance(spec, str):
            names = spec.replace(",", " ").split()
        elif isinstance(spec, (list, tuple)) and all(isinstance(n, str) for n in spec):
            names = list(spec)
        else:
            raise ctx.error("namedtuple() needs its field names as a string or a list of strings")
        if not isinstance(name, str) or not name.isidentifier():
            raise ctx.error("namedtuple() needs a name")
        given = kwargs.get("defaults") or ()
        defaults = dict(zip(names[len(names) - len(given):], given)) if isinstance(given, (list, tuple)) else {}
        node = ast.ClassDef(name=name, bases=[], keywords=[], body=[], decorator_list=[])
        return ClassValue(name, [NamedTupleBase(names, defaults)], {}, node)


def decorate_class(interp: Interpreter, cls: ClassValue, scope: Any) -> ClassValue:
    """Apply the decorators of a class that paramwise models (dataclass); a `dataclass` decorator from a
    library it does not read (pydantic, flax) is read as the standard one. Other decorators are not run."""
    result = cls
    for decorator in reversed(cls.node.decorator_list):
        value = interp.eval(decorator, scope)
        if isinstance(value, HostValue) and hasattr(value, "py_decorate_class"):
            result = value.py_decorate_class(result, Context(interp, decorator))
        elif isinstance(value, Opaque) and _name(decorator) == "dataclass":
            options = {k.arg: interp.eval(k.value, scope) for k in getattr(decorator, "keywords", []) if k.arg}
            DataclassDecorator(options).py_decorate_class(result, Context(interp, decorator))
    return result


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _name(node.func)
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
