"""The report's sums: `n·batch` counts added as numbers apart from the rest give what adding every count one by one gives."""

from __future__ import annotations

import sympy
from hypothesis import given
from hypothesis import strategies as st

from paramwise.formula import PerBatch, per_batch, simplify, symbol
from paramwise.infer.rows import _sum


def one_by_one(values: list[object]) -> object:
    total: object = 0
    for v in values:
        total = total + v  # type: ignore[operator]
    return simplify(total)


COUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**6).map(per_batch),
    st.sampled_from(["n", "d_model"]).map(lambda name: symbol(name) * 3),
)


@given(st.lists(COUNTS, max_size=12))
def test_a_sum_is_the_sum_taken_one_by_one(values: list[object]) -> None:
    got = _sum(values)
    want = one_by_one(values)
    assert sympy.expand(sympy.sympify(got) - sympy.sympify(want)) == 0
    if isinstance(want, (int, PerBatch)):  # a plain count stays plain: no sympy where the loop made none
        assert type(got) is type(want) and got == want


def test_whole_numbers_and_batch_counts_stay_plain() -> None:
    assert _sum([1, 2, 3]) == 6 and type(_sum([1, 2, 3])) is int
    assert _sum([]) == 0
    batch = _sum([per_batch(256), per_batch(16)])
    assert isinstance(batch, PerBatch) and batch.n == 272
    assert _sum([per_batch(4), per_batch(-4)]) == 0
    mixed = _sum([per_batch(4), 6])
    assert mixed == 4 * symbol("batch") + 6


def test_a_generator_is_read_once() -> None:
    assert _sum(n for n in (5, 7)) == 12
