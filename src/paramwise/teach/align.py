"""Aligning a person's numbers with a model's layers: numbers may skip layers without parameters, and a
layer left out is found by preferring layers whose count (right, or under a mistake) is the number given."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import InputError
from ..report import Row

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
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0
    for j in range(1, n + 1):
        best[0][j] = best[0][j - 1] + (SKIP_COST if rows[j - 1].params else 0)
    for i in range(1, m + 1):
        for j in range(i, n + 1):
            skip = best[i][j - 1] + (SKIP_COST if rows[j - 1].params else 0)
            take = best[i - 1][j - 1] + cost(values[i - 1], rows[j - 1])
            best[i][j] = min(skip, take)
    return _trace(best, values, rows, cost)


def _cost_function(explainer: Explainer | None) -> Callable[[int, Row], int]:
    def cost(value: int, row: Row) -> int:
        mismatch = MISMATCH_COST if (value == 0) != (row.params == 0) else 0
        if explainer is None or value == row.params:
            return mismatch
        known = any(v == value for v, _ in explainer.candidates(row))
        return mismatch + (0 if known else UNKNOWN_COST)

    return cost


def _trace(best: list[list[float]], values: list[int], rows: list[Row], cost: Callable[[int, Row], int]) -> list[int]:
    i, j, out = len(values), len(rows), []
    while i > 0:
        if j - 1 >= i and best[i][j] == best[i][j - 1] + (SKIP_COST if rows[j - 1].params else 0):
            j -= 1
            continue
        take = best[i - 1][j - 1] + cost(values[i - 1], rows[j - 1])
        if best[i][j] == take:
            out.append(j - 1)
            i -= 1
        j -= 1
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
