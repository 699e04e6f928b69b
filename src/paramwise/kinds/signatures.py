"""Constructor signatures written as the frameworks list them: names in order, defaults where they matter."""

from __future__ import annotations

from typing import Any

from .base import Signature


def signature(names: str, **defaults: Any) -> Signature:
    """`signature("units activation use_bias", units=REQUIRED, use_bias=True)`: every name in the
    framework's positional order (so positional arguments bind exactly), defaulting to None."""
    return tuple((name, defaults.get(name)) for name in names.split())
