"""The reproducers in tests/cases/repro/: small patterns of third-party model code, each with the framework's own
answer beside it (`*.truth.json`, written by Keras or torch). Every one must be honest: the framework's total, a
located error, or a reading marked incomplete. The ones the reader handles must be exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES
from paramwise.errors import ParamwiseError
from paramwise.formula import is_symbolic
from paramwise.report import Report

REPRO = sorted((CASES / "repro").glob("*/*.py"))
IDS = [f"{p.parent.name}/{p.stem}" for p in REPRO]

# Not exact yet: each of these is honest (an error or an incomplete reading), which test_never_silently_wrong
# checks; the exact test is expected to fail for them, and fails if one becomes exact (then remove it here).
NOT_EXACT_YET: set[str] = set()


def truth(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.with_suffix(".truth.json").read_text()))


def reading(path: Path) -> Report | ParamwiseError:
    try:
        return paramwise.read(str(path))
    except ParamwiseError as e:
        return e


def layer_counts(report: Report) -> list[Any]:
    return [r.params for r in report.rows if r.depth == 0 and r.kind != "Input"]


def differences(report: Report, want: dict[str, Any]) -> list[str]:
    found = []
    for key in ("total", "trainable", "non_trainable", "buffers"):
        if key in want and getattr(report, key) != want[key]:
            found.append(f"{key}: {getattr(report, key)} != {want[key]}")
    if "layers" in want:
        keras = [layer["params"] for layer in want["layers"] if layer["type"] != "InputLayer"]
        if layer_counts(report) != keras:
            found.append(f"layers: {layer_counts(report)} != {keras}")
    return found


def test_the_reproducers_are_here() -> None:
    assert len(REPRO) >= 50
    assert all(p.with_suffix(".truth.json").exists() for p in REPRO)


@pytest.mark.parametrize("path", REPRO, ids=IDS)
def test_never_silently_wrong(path: Path) -> None:
    want, got = truth(path), reading(path)
    if isinstance(got, ParamwiseError):
        assert got.location is not None or "raises" in want, f"an error without a location: {got.message}"
        return
    assert "raises" not in want, f"the framework cannot build this ({want['raises']}); paramwise counted {got.total}"
    if "depends_on_data" in want:
        assert is_symbolic(got.total) or not got.complete, f"a size read from data became a number: {got.total}"
        return
    assert not got.complete or differences(got, want) == [], f"silently wrong: {differences(got, want)}"


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="not exact yet")) if i in NOT_EXACT_YET else p
     for p, i in zip(REPRO, IDS)],
    ids=IDS,
)
def test_exact(path: Path) -> None:
    want, got = truth(path), reading(path)
    if "raises" in want:
        assert isinstance(got, ParamwiseError) and got.location is not None
        return
    assert not isinstance(got, ParamwiseError), got.message
    assert got.complete, [u.what for u in got.unread]
    if "depends_on_data" in want:
        assert is_symbolic(got.total)
        return
    assert differences(got, want) == []
