"""Products computed per sample (`n·batch` without sympy, formula.BatchScaled/PerBatch) equal what the general
symbolic path gives, row by row and in total, on every source case of the suite whose only open axis is the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import CASES
from paramwise.errors import ParamwiseError
from paramwise.formula import PerBatch, symbol
from paramwise.frontends import ReadOptions, read_path
from paramwise.infer import infer
from paramwise.infer import rows as rows_module

SOURCES = sorted((CASES / "keras").glob("*.py")) + sorted((CASES / "torch").glob("*.py"))


def _facts(report: object) -> list[tuple[str, str, str, str]]:
    return [(r.name, str(r.macs), r.macs_formula, r.macs_letters) for r in report.rows]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", [pytest.param(p, id=f"{p.parent.name}-{p.stem}") for p in SOURCES])
def test_per_batch_equals_symbolic(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        found, chosen = read_path(str(path), ReadOptions())
        graph = found[chosen].require()
    except ParamwiseError as e:
        pytest.skip(f"not a model read here: {e}")
    fast = infer(graph)
    monkeypatch.setattr(rows_module, "_per_batch_macs", lambda kind, ins: None)
    slow = infer(graph)
    assert _facts(fast) == _facts(slow)
    assert str(fast.macs) == str(slow.macs)
    assert fast.macs_missing == slow.macs_missing


def test_per_batch_arithmetic() -> None:
    from paramwise.formula import BatchScaled, per_batch

    b = BatchScaled(1)
    assert str(b * 26 * 26) == "676*batch" and int(b * 26) == 26
    assert str(3 * b + 2 * b) == "5*batch"
    for bad in (lambda: b * b, lambda: b + 1, lambda: b - b, lambda: b // 2, lambda: -b, lambda: b ** 2):
        with pytest.raises(TypeError):
            bad()
    total = 0 + per_batch(5) + per_batch(7)
    assert isinstance(total, PerBatch) and str(total) == "12*batch" and total.subs({symbol("batch"): 3}) == 36
    assert per_batch(0) == 0
    assert str(per_batch(4) + 3 * symbol("batch")) == "7*batch"  # meets sympy: becomes sympy
