"""Python source, read without running it: python/ is the bounded interpreter, keras/ and torch/ the
framework readers on top of it."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


# Which reader a .py file is for, decided here rather than in the readers, so that choosing one imports
# neither (a PyTorch file does not load the Keras reader to be told it is not Keras).
KERAS_IMPORT = r"^\s*(import|from)\s+(keras|tensorflow|tf_keras|keras_core)\b"
TORCH_IMPORT = r"^\s*(import\s+torch\b|from\s+torch\b)"


def is_python(path: str) -> bool:
    return path == "-" or path.endswith((".py", ".txt"))


def imports_keras(text: str) -> bool:
    return ("keras" in text or "tensorflow" in text) and re.search(KERAS_IMPORT, text, re.M) is not None


def imports_torch(text: str) -> bool:
    return "torch" in text and re.search(TORCH_IMPORT, text, re.M) is not None


def keras_sniff(path: str, head: bytes) -> bool:
    """A Python file that imports Keras or TensorFlow (or uses `keras.`/`layers.` with no torch import)."""
    if not is_python(path):
        return False
    text = head.decode("utf-8", "replace")
    if imports_keras(text):
        return True
    return "torch" not in text and re.search(r"\b(Sequential|layers\.|Conv2D|Dense\()", text) is not None


def torch_sniff(path: str, head: bytes) -> bool:
    """A Python file that imports torch."""
    return is_python(path) and imports_torch(head.decode("utf-8", "replace"))


def bound_elsewhere(found: list[tuple[str, Any]], wanted: str | None, names_bound: dict[str, Any]) -> int | None:
    """The index of the model the file also binds to `wanted` (or to `model`), when the readers list it under its
    first name (`net = ...; model = net`); None when that name is not such an alias."""
    alias = wanted or "model"
    value = names_bound.get(alias)
    if value is None or alias in (name for name, _ in found):
        return None
    return next((i for i, (_, v) in enumerate(found) if v is value), None)
