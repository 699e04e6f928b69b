"""Aligning a person's numbers with a model's layers: numbers may skip layers without parameters, and a
layer left out is found by preferring layers whose count (right, or under a mistake) is the number given."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from ..report import Row

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from .check import Explainer

SKIP_COST, MISMATCH_COST, UNKNOWN_COST = 1000, 2, 1


def align(values: list[int], rows: list[Row], explainer: Explainer | None = None) -> list[int]:
    """The row index for each per-layer value, in order. Rows may be skipped (free when they have no
    parameters); a zero claimed for a layer with parameters, or a number for one without, costs a little,
    and so does a number that is neither the layer's count nor its count under a catalogued mistake."""
    cost = _cost_function(explainer)
    m, n = len(values), len(rows)
    if m > n:
        raise InputError(
            f"you gave {m} numbers but the model has {n} layers ({', '.join(r.name for r in rows)})",
            hint="give one number per layer, or --claim-total for the whole model",
        )
    # best[i][d]: the least cost of the first i values on the first i + d rows. Each value needs a row of its own,
    # so at most n - m rows are skipped: only that band of the m x n table is computed (a claim for each of
    # 10,000 layers is a band of width 1, not 10**8 cells).
    width = n - m
    inf = float("inf")
    skip_cost = [SKIP_COST if r.params else 0 for r in rows]
    first = [0.0]
    for d in range(1, width + 1):
        first.append(first[-1] + skip_cost[d - 1])
    best = [first]
    for i in range(1, m + 1):
        above, here = best[i - 1], [inf] * (width + 1)
        for d in range(width + 1):
            j = i + d
            take = above[d] + cost(values[i - 1], rows[j - 1])
            here[d] = min(here[d - 1] + skip_cost[j - 1], take) if d else take
        best.append(here)
    return _trace(best, values, skip_cost)


def _cost_function(explainer: Explainer | None) -> Callable[[int, Row], int]:
    def cost(value: int, row: Row) -> int:
        mismatch = MISMATCH_COST if (value == 0) != (row.params == 0) else 0
        if explainer is None or value == row.params:
            return mismatch
        known = any(v == value for v, _ in explainer.candidates(row))
        return mismatch + (0 if known else UNKNOWN_COST)

    return cost


def _trace(best: list[list[float]], values: list[int], skip_cost: list[int]) -> list[int]:
    """The rows taken, walking the band back from its last cell: a skip where it explains the cost, else a take."""
    i, d, out = len(values), len(best[0]) - 1, []
    while i > 0:
        j = i + d
        if d and best[i][d] == best[i][d - 1] + skip_cost[j - 1]:
            d -= 1
            continue
        out.append(j - 1)
        i -= 1
    return out[::-1]


def alignment_text(mode: str, values: list[int], rows: list[Row], picked: list[int]) -> str:
    what = {"layers": "per-layer counts", "running": "running totals"}[mode]
    if len(picked) == len(rows):
        return f"Your {len(values)} {what} were read one per layer."
    skipped = [r for i, r in enumerate(rows) if i not in picked]
    free = [r.name for r in skipped if not r.params]
    counted = [r.name for r in skipped if r.params]
    text = f"Your {len(values)} {what} were aligned with {', '.join(rows[i].name for i in picked)}"
    if free:
        text += f"; {', '.join(free)} {'has' if len(free) == 1 else 'have'} no parameters and {'was' if len(free) == 1 else 'were'} skipped"
    if counted:
        text += f"; {', '.join(counted)} {'has' if len(counted) == 1 else 'have'} parameters but no number of yours"
    return text + "."
