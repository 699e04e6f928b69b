"""Aligning a person's numbers with the layers: the banded search finds an alignment as cheap as trying every way
of choosing rows, and a claim for each of thousands of layers is read one per layer."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from paramwise.report import Row
from paramwise.teach.align import SKIP_COST, _cost_function, align


def row(name: str, params: int) -> Row:
    return Row(name=name, type="Dense", kind="Dense", output_shape=None, params=params, trainable_params=params,
               non_trainable_params=0, buffers=0, weight_objects=(), formula=str(params), formula_letters="",
               explanation="", why="")


def cost_of(values: list[int], rows: list[Row], picked: list[int]) -> int:
    cost = _cost_function(None)
    skipped = sum(SKIP_COST for j, r in enumerate(rows) if j not in picked and r.params)
    return skipped + sum(cost(v, rows[j]) for v, j in zip(values, picked))


@given(st.lists(st.sampled_from([0, 3, 10, 12]), min_size=1, max_size=7), st.data())
def test_the_alignment_is_as_cheap_as_the_best_of_all(params: list[int], data: st.DataObject) -> None:
    rows = [row(f"r{i}", p) for i, p in enumerate(params)]
    values = data.draw(st.lists(st.sampled_from([0, 3, 10, 11, 12]), min_size=1, max_size=len(rows)))
    picked = align(values, rows)
    assert picked == sorted(set(picked)) and len(picked) == len(values)
    best = min(cost_of(values, rows, list(c)) for c in itertools.combinations(range(len(rows)), len(values)))
    assert cost_of(values, rows, picked) == best


def test_a_number_for_each_of_ten_thousand_layers_is_read_one_per_layer() -> None:
    rows = [row(f"d{i}", 20) for i in range(10_000)]
    values = [20] * 9_999 + [21]
    assert align(values, rows) == list(range(10_000))
