"""Python source, read without running it: python/ is the bounded interpreter, keras/ and torch/ the
framework readers on top of it."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def bound_elsewhere(found: list[tuple[str, Any]], wanted: str | None, names_bound: dict[str, Any]) -> int | None:
    """The index of the model the file also binds to `wanted` (or to `model`), when the readers list it under its
    first name (`net = ...; model = net`); None when that name is not such an alias."""
    alias = wanted or "model"
    value = names_bound.get(alias)
    if value is None or alias in (name for name, _ in found):
        return None
    return next((i for i, (_, v) in enumerate(found) if v is value), None)
