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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """An immutable record: frozen for the type checker, a hashable dataclass at run time."""
    return dataclass(unsafe_hash=True)(cls)
