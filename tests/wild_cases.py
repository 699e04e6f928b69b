"""Keras model code collected from public tutorials, docs and Q&A pages, and how to compare paramwise's
static reading of each with the model real Keras builds from it.

Third-party code is not committed here: point PARAMWISE_WILD_DIR at a folder of such files to run these
tests and benchmarks/wild_agreement.py; without it they are skipped.

A case file is the text as published (trimmed to the model-building part). Header comments say what the
text leaves out: `# model: NAME` (the variable to show), `# input-shape: 28,28,1` (a subclassed model the
text never builds), `# bindings: {...}` (sizes the text never defines, as `--set` would bind them).
When the text cannot run as it is, `twins/<name>.py` is a minimal runnable copy for the oracle.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WILD = Path(os.environ.get("PARAMWISE_WILD_DIR", "/nonexistent-wild-cases"))


@dataclass(frozen=True)
class WildCase:
    path: Path
    model: str | None = None  # None: the one paramwise picks, and `model` in the oracle's namespace
    input_shape: tuple[int, ...] | None = None
    bindings: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def oracle_path(self) -> Path:
        twin = self.path.parent / "twins" / self.path.name
        return twin if twin.exists() else self.path


def header(text: str, key: str) -> str | None:
    match = re.search(rf"^# {key}: (.+)$", text, re.M)
    return match.group(1).strip() if match else None


def load_case(path: Path) -> WildCase:
    text = path.read_text()
    shape = header(text, "input-shape")
    bindings = header(text, "bindings")
    return WildCase(
        path,
        model=header(text, "model"),
        input_shape=tuple(int(t) for t in shape.split(",")) if shape else None,
        bindings=ast.literal_eval(bindings) if bindings else {},
    )


def wild_cases() -> list[WildCase]:
    return [load_case(p) for p in sorted(WILD.glob("*.py"))]


def read_case(case: WildCase) -> Any:
    import paramwise

    return paramwise.read(str(case.path), model=case.model, bindings=case.bindings, input_shape=case.input_shape)


def build_case(case: WildCase) -> Any:
    """The model real Keras builds from the case (its runnable twin, when it has one)."""
    from keras_oracle import build

    if case.oracle_path == case.path:
        model = build(case.path, case.model or "model")
    else:
        model = run_twin(case.oracle_path, case.model or "model")
    if isinstance(model, type):  # the text defines a model class and never instantiates it
        model = model()
    if case.input_shape is not None and not model.built:
        import keras

        model(keras.ops.zeros((1, *case.input_shape)))  # a subclassed model's build() alone makes no weights
    return model


def run_twin(path: Path, name: str) -> Any:
    """A twin imports keras itself: run it without the `tensorflow` alias (Keras looks the real one up)."""
    import runpy
    import sys
    import warnings

    import keras

    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k == "tensorflow" or k.startswith("tensorflow.")}
    try:
        keras.backend.clear_session()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            namespace = runpy.run_path(str(path), run_name="__case__")
    finally:
        sys.modules.update(saved)
    return namespace[name]
