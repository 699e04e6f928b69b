"""paramwise's records: `@frozen` (immutable: the IR, the report, options) and `@record` (mutable working state),
with `field`, `fields` and `replace`, as the type checker knows them from `dataclasses`.

To the type checker they *are* dataclasses: `@frozen` is a `dataclass_transform(frozen_default=True)` (mypy
--strict refuses an assignment to a field, as for `dataclass(frozen=True)`), `@record` is `dataclass`, and
`field`, `fields` and `replace` are `dataclasses`' own, so a misspelt or mistyped field is an error there.

At run time they are made here, without `dataclasses`. `dataclasses` writes each class's `__init__`, `__eq__`,
`__repr__` and `__hash__` as source text and compiles it when the class is made (about 0.3 ms a method), and
importing it brings `inspect`, `dis` and `tokenize`: together about a third of a small model's whole run, which
is mostly start. Here each method is one shared function closed over the class's field names: no compiling,
and a record is made as fast as a dataclass makes it (a wide record faster: its fields go into the instance
dict in one update). What they do is what `dataclass(unsafe_hash=True)` (`@frozen`) and `dataclass(eq=...)`
(`@record`) do, and a test holds them equal on the same classes: the same `__init__` arguments (positional or
by name, defaults, `field(default_factory=...)`, the same `TypeError`s), `__eq__` between records of the same
class field by field, `__repr__`, a field-wise `__hash__` for `@frozen` (records are dict keys and set members)
and none for an equal-by-value `@record`, class attributes that keep a plain default, fields inherited in
order, `ClassVar`s left out, `__post_init__` called, and a method the class defines itself kept.

`@frozen` records are immutable to the type checker only: setting a field through `object.__setattr__` on every
`__init__` (as `frozen=True` does) made every row of a large model slower.

`replace(obj, **changes)` copies the record's fields and then the changes, without calling `__init__`; a name
that is not a field is the `TypeError` that `__init__` would give. Attributes that are not fields (a
`cached_property`'s value) are not copied, as `dataclasses.replace` does not copy them.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar, dataclass_transform

__all__ = ["field", "fields", "frozen", "record", "replace"]

T = TypeVar("T")

if TYPE_CHECKING:
    from dataclasses import dataclass as record
    from dataclasses import field as field
    from dataclasses import fields as fields
    from dataclasses import replace as replace

    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def frozen(cls: type[T]) -> type[T]:
        """An immutable record: frozen for the type checker, hashable and equal by value at run time."""
        return cls

else:

    def frozen(cls):
        """An immutable record: frozen for the type checker, hashable and equal by value at run time."""
        return _make(cls, eq=True, hashed=True)

    def record(cls=None, /, *, eq=True):
        """A mutable record (`@record` or `@record(eq=False)`), as `dataclass` makes one."""
        if cls is None:
            return lambda cls: _make(cls, eq=eq, hashed=False)
        return _make(cls, eq=eq, hashed=False)

    _MISSING = object()

    def field(*, default=_MISSING, default_factory=_MISSING, repr=True):  # noqa: A002 (as dataclasses)
        """A field's default, or the function that makes it for each record, and whether `__repr__` shows it."""
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        return Field(default, default_factory, repr)

    def fields(class_or_record):
        """The fields of a record or a record class, in order (as `dataclasses.fields`)."""
        try:
            return tuple(class_or_record.__record_fields__.values())
        except AttributeError:
            raise TypeError("must be called with a record type or instance") from None

    def replace(obj, /, **changes):
        """A copy of the record `obj` with the fields in `changes` changed (see the module's text)."""
        cls = type(obj)
        names = cls.__record_fields__
        if not changes.keys() <= names.keys():
            unknown = next(name for name in changes if name not in names)
            raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument '{unknown}'")
        new = object.__new__(cls)
        values = obj.__dict__
        state = new.__dict__
        if len(values) == len(names):  # the fields alone: one copy in C
            state.update(values)
        else:
            for name in names:
                state[name] = values[name]
        state.update(changes)
        return new

    class Field:
        """One field: its name, and its default (`_MISSING` when it has none) or default factory."""

        __slots__ = ("name", "default", "default_factory", "repr")

        def __init__(self, default, default_factory, repr):  # noqa: A002
            self.name = ""
            self.default = default
            self.default_factory = default_factory
            self.repr = repr

        def __repr__(self):
            return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"

    def _make(cls, *, eq, hashed):
        """Give `cls` the fields its annotations name and the methods a dataclass has."""
        found = _fields_of(cls)
        cls.__record_fields__ = found
        names = tuple(found)
        own = dict(cls.__dict__)
        # a class that defines __eq__ gets `__hash__ = None` from Python: not a hash of its own
        if own.get("__hash__", 0) is None and "__eq__" in own:
            del own["__hash__"]
        if hashed and "__hash__" in own:
            raise TypeError(f"Cannot overwrite attribute __hash__ in class {cls.__name__}")
        methods = {"__init__": _init(cls, found), "__repr__": _repr(names, found), "__match_args__": names}
        if eq:
            values = _values(names)
            methods["__eq__"] = _eq(values)
            methods["__hash__"] = _hash(values) if hashed else None
        for name, method in methods.items():
            if name not in own:
                if callable(method):
                    method.__qualname__ = f"{cls.__qualname__}.{name}"
                setattr(cls, name, method)
        return cls

    def _fields_of(cls):
        """The record's fields by name: its bases' first (in order), then its own annotated names."""
        found = {}
        for base in reversed(cls.__mro__[1:]):
            found.update(base.__dict__.get("__record_fields__", {}))
        annotations = cls.__dict__.get("__annotations__", {})
        for name, annotation in annotations.items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            value = cls.__dict__.get(name, _MISSING)
            made = value if isinstance(value, Field) else Field(value, _MISSING, True)
            made.name = name
            if isinstance(value, Field):
                if made.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, made.default)
            found[name] = made
        seen_default = False
        for made in found.values():
            has_default = made.default is not _MISSING or made.default_factory is not _MISSING
            if seen_default and not has_default:
                raise TypeError(f"non-default argument {made.name!r} follows default argument")
            seen_default = seen_default or has_default
        return found

    def _init(cls, found):
        """`__init__(self, *fields)`: positional or by name, then defaults, then `__post_init__` if the class
        has one."""
        names = tuple(found)
        count = len(names)
        defaults = {f.name: f.default for f in found.values() if f.default is not _MISSING}
        factories = {f.name: f.default_factory for f in found.values() if f.default_factory is not _MISSING}
        post_init = hasattr(cls, "__post_init__")
        qualname = f"{cls.__qualname__}.__init__()"
        required = sum(1 for name in names if name not in defaults and name not in factories)
        takes = f"from {required + 1} to {count + 1}" if required < count else str(count + 1)

        def __init__(self, *args, **kwargs):
            if len(args) > count:
                raise TypeError(f"{qualname} takes {takes} positional argument{'s' if count else ''} but "
                                f"{len(args) + 1} were given")
            state = dict(zip(names, args))
            if kwargs:
                if not kwargs.keys() <= found.keys():
                    unknown = next(name for name in kwargs if name not in found)
                    raise TypeError(f"{qualname} got an unexpected keyword argument '{unknown}'")
                if args and not kwargs.keys().isdisjoint(state):
                    twice = next(name for name in kwargs if name in state)
                    raise TypeError(f"{qualname} got multiple values for argument '{twice}'")
                state.update(kwargs)
            if len(state) < count:
                _fill(state, names, defaults, factories, qualname)
            self.__dict__.update(state)
            if post_init:
                self.__post_init__()

        return __init__

    def _fill(state, names, defaults, factories, qualname):
        """Put the defaults of the fields not given into `state`; a field with none is a `TypeError`."""
        missing = []
        for name in names:
            if name not in state:
                if name in defaults:
                    state[name] = defaults[name]
                elif name in factories:
                    state[name] = factories[name]()
                else:
                    missing.append(name)
        if missing:
            quoted = [f"'{name}'" for name in missing]
            listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            plural = "s" if len(missing) > 1 else ""
            raise TypeError(f"{qualname} missing {len(missing)} required positional argument{plural}: {listed}")

    def _values(names):
        """A function giving a record's field values as a tuple."""
        if len(names) == 1:
            get = attrgetter(names[0])
            return lambda obj: (get(obj),)
        if not names:
            return lambda obj: ()
        return attrgetter(*names)

    def _eq(values):
        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return values(self) == values(other)
            return NotImplemented

        return __eq__

    def _hash(values):
        def __hash__(self):
            return hash(values(self))

        return __hash__

    def _repr(names, found):
        shown = tuple(name for name in names if found[name].repr)
        busy = set()

        def __repr__(self):
            key = id(self)
            if key in busy:
                return "..."
            busy.add(key)
            try:
                inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            finally:
                busy.discard(key)
            return f"{self.__class__.__qualname__}({inner})"

        return __repr__
