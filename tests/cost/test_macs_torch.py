"""Multiply-accumulates against torch's FlopCounterMode (2 FLOPs per MAC), per module and in total, on every
case in tests/cases/torch with an input shape: one forward of the real model each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import paramwise
from helpers import CASES

torch = pytest.importorskip("torch")
from flops_oracle import measure  # noqa: E402

from torch_oracle import build  # noqa: E402

CASES_WITH_SHAPE = sorted(p for p in (CASES / "torch").glob("*.py") if re.search(r"^input_shape\s*=", p.read_text(), re.M))
# kinds whose products paramwise counts and FlopCounterMode does not (documented in the README's definition)
NOT_IN_FLOP_COUNTER = {"Bilinear": "torch.nn.Bilinear calls aten._trilinear, which FlopCounterMode has no formula for"}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in CASES_WITH_SHAPE])
def test_macs_match_flop_counter(path: Path) -> None:
    namespace = build(path)
    shape = tuple(namespace["input_shape"])
    report = paramwise.read(str(path), input_shape=shape)
    total, per_module = measure(namespace["model"], shape, namespace.get("input_dtype"))
    problems = []
    uncounted = 0
    for row in report.rows:
        if row.macs is None or (row.kind == "Container" and not row.calls):
            continue  # a ModuleList is never called itself: torch attributes its modules' products to them alone
        theirs = per_module.get(row.name, 0)
        if row.kind in NOT_IN_FLOP_COUNTER:
            assert theirs == 0, f"{row.name}: FlopCounterMode now counts {row.kind} ({theirs}): {NOT_IN_FLOP_COUNTER[row.kind]}"
            uncounted += row.macs if row.kind != "Container" else 0
            continue
        if 2 * row.macs != theirs and not any(c.kind in NOT_IN_FLOP_COUNTER for c in report.rows if c.name.startswith(row.name + ".")):
            problems.append(f"{row.name} ({row.kind}): paramwise {2 * row.macs} FLOPs ({row.macs_formula}), torch {theirs}")
    if report.macs is None:
        problems.append(f"total not counted: {report.macs_missing[:3]}")
    elif 2 * (report.macs - uncounted) != total:
        problems.append(f"total: paramwise {2 * report.macs} FLOPs ({2 * uncounted} of them uncounted by torch), torch {total}")
    assert problems == []


def test_every_case_with_a_shape_is_compared() -> None:
    assert len(CASES_WITH_SHAPE) >= 80
