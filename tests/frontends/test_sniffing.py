"""The cheap checks made before a frontend is imported (frontends.MAY_READ) never hide an input from the frontend
that would read it: on every input file of the suite, each frontend's sniff() saying yes implies its check says yes,
and the frontend picked is the same with and without the checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from paramwise import frontends
from paramwise.errors import InputError
from paramwise.frontends import FRONTENDS, HEAD_BYTES, MAY_READ, ReadOptions, load, pick

ROOT = Path(__file__).resolve().parents[2]
INPUTS = sorted(p for base in ("tests/cases", "examples", "tests/hostile") for p in (ROOT / base).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts)


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)


def test_every_frontend_has_a_check() -> None:
    assert set(MAY_READ) == set(FRONTENDS)


@pytest.mark.parametrize("name", sorted(MAY_READ))
def test_check_is_a_superset_of_sniff(name: str) -> None:
    try:
        module = load(name)
    except ImportError:
        pytest.skip(f"{name} is not installed here")
    missed = [str(p.relative_to(ROOT)) for p in INPUTS
              if module.sniff(str(p), head := _head(p)) and not MAY_READ[name](str(p), head)]
    assert missed == []
    assert len(INPUTS) > 300


def test_same_frontend_picked(monkeypatch: pytest.MonkeyPatch) -> None:
    def picked(p: Path) -> str:
        try:
            return pick(str(p), _head(p), ReadOptions()).__name__
        except InputError:
            return "none"

    with_checks = {p: picked(p) for p in INPUTS}
    monkeypatch.setattr(frontends, "MAY_READ", {})
    assert {p: picked(p) for p in INPUTS} == with_checks
