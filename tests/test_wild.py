"""Keras code nobody on the team wrote (a folder named by PARAMWISE_WILD_DIR, not committed: it is
third-party code): paramwise's static reading against real Keras.

Cases that fail only because a layer kind is not written yet are expected failures naming the kind.
"""

from __future__ import annotations

import pytest

from helpers import check_invariants
from wild_cases import WILD, WildCase, build_case, read_case, wild_cases

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import compare  # noqa: E402

# case name -> the layer kinds it needs that paramwise does not have yet
MISSING_KINDS: dict[str, str] = {}

CASES = wild_cases() if WILD.is_dir() else []
pytestmark = pytest.mark.skipif(not WILD.is_dir(), reason="set PARAMWISE_WILD_DIR to a folder of collected Keras snippets")


def marks(case: WildCase) -> list[pytest.MarkDecorator]:
    missing = MISSING_KINDS.get(case.name)
    return [pytest.mark.xfail(strict=False, reason=f"missing kind: {missing}")] if missing else []


@pytest.mark.parametrize("case", [pytest.param(c, marks=marks(c), id=c.name) for c in CASES])
def test_wild_case_matches_keras(case: WildCase) -> None:
    report = read_case(case)
    check_invariants(report)
    assert compare(report, build_case(case)) == []


def test_there_are_enough_wild_cases() -> None:
    assert len(CASES) >= 25
