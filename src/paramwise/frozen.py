"""paramwise's records: `@frozen` (immutable: the IR, the report, options) and `@record` (mutable working state),
with `field`, `fields` and `replace`, as the type checker knows them from `dataclasses`.

To the type checker they *are* dataclasses: `@frozen` is a `dataclass_transform(frozen_default=True)` (mypy
--strict refuses an assignment to a field, as for `dataclass(frozen=True)`), `@record` is `dataclass`, and
`field`, `fields` and `replace` are `dataclasses`' own, so a misspelt or mistyped field is an error there.

At run time they are made here, without `dataclasses`. `dataclasses` writes each class's `__init__`, `__eq__`,
`__repr__` and `__hash__` as source text and compiles them when the class is made (about 0.3 ms a method), and
importing it brings `inspect`, `dis` and `tokenize`: together about a third of a small model's whole run, which
is mostly start, for classes most of which that run never instantiates. Here `__eq__`, `__hash__` and
`__repr__` are shared functions closed over the class's field names, and `__init__` is written as `dataclasses`
writes it (so that a record is made as fast) the first time a record of the class is made. What they do is
what `dataclass(unsafe_hash=True)` (`@frozen`) and `dataclass(eq=...)` (`@record`) do, and a test holds them
equal on the same classes: the same `__init__` arguments (positional or by name, defaults,
`field(default_factory=...)`, the same `TypeError`s), `__eq__` between records of the same class field by
field, `__repr__`, a field-wise `__hash__` for `@frozen` (records are dict keys and set members) and none for
an equal-by-value `@record`, class attributes that keep a plain default, fields inherited in order,
`ClassVar`s left out, `__post_init__` called, and a method the class defines itself kept.

`@frozen` records are immutable to the type checker only: setting a field through `object.__setattr__` on every
`__init__` (as `frozen=True` does) made every row of a large model slower.

`replace(obj, **changes)` copies the record's fields and then the changes, without calling `__init__`; a name
that is not a field is the `TypeError` that `__init__` would give. Attributes that are not fields (a
`cached_property`'s value) are not copied, as `dataclasses.replace` does not copy them.
"""

from __future__ import annotations

from operator import attrgetter

__all__ = ["field", "fields", "frozen", "record", "replace"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import TypeVar, dataclass_transform

    T = TypeVar("T")
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

    from keyword import iskeyword

    _MISSING = object()
    _FACTORY = object()  # the default of a field made by its default factory
    # Writing a class's __init__ costs about as much as making a hundred records with the general one (80 µs
    # against 0.6 µs more a record): a small model's start makes fewer than this of most of its classes.
    WRITE_AFTER = 64

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
        if len(values) == len(names):  # the fields alone: one copy in C, which keeps the class's shared key table
            state = values.copy()   # (a row: 0.9 µs, where filling the new record's own empty dict took 3.2 µs)
            state.update(changes)
            new.__dict__ = state
            return new
        state = new.__dict__
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
        """`__init__`: the first WRITE_AFTER records of the class are made by a general function, and then by
        one written for the class (see `_written_init`), which replaces this one. Arguments the general function
        cannot take (missing, unknown or repeated) go to the written one at once, which raises Python's own
        `TypeError` for them."""
        names = tuple(found)
        count = len(names)
        defaults = {f.name: f.default for f in found.values() if f.default is not _MISSING}
        factories = tuple((f.name, f.default_factory) for f in found.values() if f.default_factory is not _MISSING)
        post_init = hasattr(cls, "__post_init__")
        made = 0

        def __init__(self, *args, **kwargs):
            nonlocal made
            made += 1
            state = defaults.copy()
            if args:
                state.update(zip(names, args))
            if kwargs:
                state.update(kwargs)
            for name, factory in factories:
                if name not in state:
                    state[name] = factory()
            if made > WRITE_AFTER or len(args) > count or len(state) != count or (
                kwargs and (not kwargs.keys() <= found.keys() or not kwargs.keys().isdisjoint(names[:len(args)]))
            ):
                written = _written_init(cls, found)
                cls.__init__ = written
                return written(self, *args, **kwargs)
            for name in names:  # in field order, as the written __init__ sets them: the class's instances then
                setattr(self, name, state[name])  # share one key table (a set out of order makes each its own)
            if post_init:
                self.__post_init__()

        return __init__

    def _written_init(cls, found):
        """The `__init__` that `dataclasses` writes for these fields: `self.name = name` for each, a default as the
        parameter's default, a default factory called when its field is not given, then `__post_init__`.

        Python itself checks the arguments (and words the `TypeError`s as for a dataclass), and a record is made
        as fast as a dataclass makes it. The text is made only of the field names of one of paramwise's own
        classes (checked to be identifiers) and names of this namespace: no input reaches it. Written when first
        used, not when the class is made: most classes a start defines are never instantiated."""
        namespace = {"_FACTORY": _FACTORY}
        parameters, body = ["self"], []
        for name, made in found.items():
            if not name.isidentifier() or iskeyword(name):
                raise TypeError(f"{name!r} cannot be a field of a record")
            if made.default is not _MISSING:
                namespace[f"_default_{name}"] = made.default
                parameters.append(f"{name}=_default_{name}")
            elif made.default_factory is not _MISSING:
                namespace[f"_factory_{name}"] = made.default_factory
                parameters.append(f"{name}=_FACTORY")
                body.append(f"    if {name} is _FACTORY:\n        {name} = _factory_{name}()")
            else:
                parameters.append(name)
            body.append(f"    self.{name} = {name}")
        if hasattr(cls, "__post_init__"):
            body.append("    self.__post_init__()")
        text = f"def __init__({', '.join(parameters)}):\n" + "\n".join(body or ["    pass"]) + "\n"
        exec(text, namespace)  # noqa: S102 (reviewed: field names of paramwise's own classes, see above)
        written = namespace["__init__"]
        written.__qualname__ = f"{cls.__qualname__}.__init__"
        written.__module__ = cls.__module__
        return written

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
