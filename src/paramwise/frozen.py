"""`@frozen`: paramwise's immutable records (the IR, the report, options), as dataclasses.

A frozen dataclass is immutable at run time too: `dataclass(frozen=True)` writes `__setattr__` and
`__delattr__` that refuse, and an `__init__` that sets each field through `object.__setattr__`. Each written
method is compiled when the class is made (about 0.3 ms apiece), and each instance pays for the indirect sets:
frozen classes were a third of the command's start (the 29 of a Hugging Face config's reading took 38 ms of
136) and slowed the making of every row of a large model. So the immutability is the type checker's
(`dataclass_transform(frozen_default=True)`: mypy --strict refuses an assignment to a field, as it does for
`frozen=True`), and at run time the class is a dataclass with the same `__init__` arguments, `__eq__`, `__repr__`
and the same field-wise `__hash__` (`unsafe_hash=True`), so records still work as dict keys and set members.
`dataclasses.replace`, `fields` and `field(default_factory=...)` work as for any dataclass.

`replace` here is `dataclasses.replace` for the type checker (mypy checks the changed fields' names and types)
and, at run time, the same result made without `dataclasses.replace`'s walk over the class's fields and its
call of `__init__` (18 µs for a Row, which a 100,000-tensor checkpoint replaced 100,005 times): the record's
fields copied, then the changes. Only for a dataclass whose fields are all `__init__` arguments and that has
no `__post_init__` (what @frozen makes); anything else, or a name that is not a field, goes to
`dataclasses.replace`, which says what is wrong. Attributes that are not fields (a `cached_property`'s value)
are not copied, as `dataclasses.replace` does not copy them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """An immutable record: frozen for the type checker, a hashable dataclass at run time."""
    return dataclass(unsafe_hash=True)(cls)


if TYPE_CHECKING:
    from dataclasses import replace as replace
else:

    def replace(obj, /, **changes):
        """`dataclasses.replace(obj, **changes)`, made by copying the fields (see the module's text)."""
        cls = type(obj)
        names = _COPYABLE.get(cls)
        if names is None:
            names = _COPYABLE[cls] = _copyable_fields(cls)
        if not names or not changes.keys() <= names:
            return dataclasses.replace(obj, **changes)
        new = object.__new__(cls)
        values = obj.__dict__
        state = new.__dict__
        if len(values) == len(names):  # the fields alone (every field is set by __init__): one copy in C
            state.update(values)
        else:
            for name in names:
                state[name] = values[name]
        state.update(changes)
        return new


_COPYABLE: dict[type, frozenset[str]] = {}


def _copyable_fields(cls: type) -> frozenset[str]:
    """The field names of a dataclass that `replace` may copy (all `__init__` arguments, no `__post_init__`,
    instances with a `__dict__`); empty for any other class."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        return frozenset()
    fields = dataclasses.fields(cls)  # an InitVar is not a field, but it needs a __post_init__, refused above
    if not all(f.init for f in fields):
        return frozenset()
    return frozenset(f.name for f in fields)

