"""Differential tests: every model in tests/cases/keras/ is read statically by paramwise and built by real
Keras 3 (torch backend); totals, per-layer counts, weight shapes and output shapes must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import CASES, check_invariants

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import build, compare  # noqa: E402

KERAS_CASES = sorted((CASES / "keras").glob("*.py"))


@pytest.mark.parametrize("path", KERAS_CASES, ids=[p.stem for p in KERAS_CASES])
def test_matches_keras(path: Path) -> None:
    report = paramwise.read(str(path))
    check_invariants(report)
    assert report.complete, [u.what for u in report.unread]  # a complete reading is the framework's count
    model = build(path)
    assert compare(report, model) == []


def test_there_are_enough_cases() -> None:
    assert len(KERAS_CASES) >= 80
