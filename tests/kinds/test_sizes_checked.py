"""Every size a kind takes from its constructor is checked before any arithmetic uses it.

A kind's attributes annotated `Dim` are sizes. Each is either checked by name when the kind is made (its name
has a rule in `kinds.values.ACCEPTS`) or worked out by the kind itself from arguments that are (DERIVED). The
fuzzer found sizes with neither (GroupQueryAttention's head_dim; LayerNorm's normalized_shape too, annotated Any
as it may be a tuple, so not seen by this scan): a string or a list reached the formula and ended in a TypeError. A new kind with a size of a new name fails here until the
name gets a rule."""

from __future__ import annotations

import importlib
import pkgutil

import paramwise.kinds as kinds_package
from paramwise.kinds.base import Kind
from paramwise.kinds.values import ACCEPTS

# attribute -> what it is worked out from (checked under that name), or where it comes from
DERIVED = {
    "c_in": "in_channels (PyTorch) or the input's shape (Keras)",
    "d_in": "in_features / input_size (PyTorch) or the input's shape (Keras)",
    "vocab": "num_embeddings / input_dim",
    "pairs": "padding / cropping (each amount checked in the kind's setup)",
    "output_dims": "output_shape (MultiHeadAttention checks it in its setup)",
    "experts": "a Hugging Face config (the config reader checks its sizes)",
    "ffn": "a Hugging Face config",
    "hidden": "a Hugging Face config",
}


def sizes_of_kinds() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(kinds_package.__path__):
        if module.name in ("index", "framework_signatures", "signatures"):
            continue
        namespace = importlib.import_module(f"paramwise.kinds.{module.name}")
        for obj in vars(namespace).values():
            if isinstance(obj, type) and issubclass(obj, Kind):
                for name, annotation in vars(obj).get("__annotations__", {}).items():
                    if "Dim" in str(annotation):
                        found.setdefault(name, set()).add(obj.__name__)
    return found


def test_every_size_is_checked_or_derived() -> None:
    sizes = sizes_of_kinds()
    assert {"units", "filters", "head_dim", "kernel_size"} <= set(sizes)  # the scan sees the kinds
    unchecked = {name: sorted(where) for name, where in sizes.items() if name not in ACCEPTS and name not in DERIVED}
    assert not unchecked, f"sizes with no check: {unchecked}: add a rule to ACCEPTS (kinds/values.py)"


def test_derived_sizes_are_still_sizes() -> None:
    """DERIVED lists only names some kind still has (a stale entry would hide a new size of that name)."""
    assert set(DERIVED) <= set(sizes_of_kinds())
