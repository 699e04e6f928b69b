"""The family-B Keras cases (tests/cases/keras/b_*.py), checked more closely than the shared differential
test: each layer's weights must have Keras' names (the path below the layer), order and trainable flags,
and every row's formula must be the factored one (no fallback to a plain sum)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import build  # noqa: E402

B_CASES = sorted((CASES / "keras").glob("b_*.py"))


def below(path: str, layer_name: str) -> str:
    """`sequential/dense/kernel` -> `kernel` for layer `dense` (a Sequential builds its layers in its scope)."""
    parts = path.split("/")
    return "/".join(parts[parts.index(layer_name) + 1:]) if layer_name in parts else path


def keras_weights(layer: Any) -> list[tuple[str, tuple[int, ...], bool]]:
    return [(below(w.path, layer.name), tuple(w.shape), bool(w.trainable)) for w in layer.weights]


@pytest.mark.parametrize("path", B_CASES, ids=[p.stem for p in B_CASES])
def test_weight_names_order_and_trainable_match_keras(path: Path) -> None:
    report = paramwise.read(str(path))
    model = build(path)
    rows = {r.name: r for r in report.rows if r.depth == 0}
    for layer in model.layers:
        ours = [(w.name, tuple(w.shape), w.trainable) for w in rows[layer.name].weight_objects if not w.is_buffer]
        assert ours == keras_weights(layer), layer.name
        trainable = sum(int(w.count) for w in rows[layer.name].weight_objects if w.trainable and not w.is_buffer)
        assert trainable == sum(math.prod(w.shape) for w in layer.trainable_weights), layer.name


def test_there_are_enough_b_cases() -> None:
    assert len(B_CASES) >= 40


def test_notes_say_where_frameworks_disagree() -> None:
    report = paramwise.read(str(CASES / "keras" / "b_lstm_stack.py"))
    lstm = next(r for r in report.rows if r.type == "LSTM")
    assert "two bias vectors per gate" in lstm.note
    assert lstm.formula == "4*(12 + 64 + 1)*64"
