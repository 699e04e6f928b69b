"""Repeated blocks folded into one row: `model.layers.0-31 (×32)` for 32 consecutive sibling modules numbered
0 to 31 whose rows (and the rows under them) are the same. The first block's own rows stay under it, with
their real names and counts; `--expand` shows every block."""

from __future__ import annotations

import re

from ..formula import render_count
from ..frozen import replace
from ..report import Row

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

NUMBERED = re.compile(r"(.*)\.(\d+)")


def subtree_end(rows: list[Row], i: int) -> int:
    """The index after the last row under rows[i] (rows list each module before the modules it holds)."""
    prefix = rows[i].name + "."
    j = i + 1
    while j < len(rows) and rows[j].name.startswith(prefix):
        j += 1
    return j


def signature(rows: list[Row], i: int, j: int) -> tuple[Any, ...]:
    head = rows[i].name
    return tuple((r.name[len(head):], r.type, r.params, r.shared) for r in rows[i:j])


def fold_repeats(rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        match = NUMBERED.fullmatch(row.name)
        if match is None or row.parent != match.group(1):
            out.append(row)
            i += 1
            continue
        end = subtree_end(rows, i)
        mark = signature(rows, i, end)
        first = last = int(match.group(2))
        copies, j = 1, end
        while j < len(rows) and rows[j].name == f"{match.group(1)}.{last + 1}" and rows[j].parent == row.parent:
            after = subtree_end(rows, j)
            if signature(rows, j, after) != mark:
                break
            copies, last, j = copies + 1, last + 1, after
        if copies == 1:
            out.append(row)
            i += 1
            continue
        group = folded(row, match.group(1), first, last, copies)
        holder = len(out) - 1 if out and out[-1].name == row.parent else -1
        if holder >= 0 and out[holder].params == group.params:  # a list of the blocks alone: its sum, said shortly
            each = render_count(row.params)
            out[holder] = replace(out[holder], explanation=f"{copies} blocks: {copies} × {each} = {render_count(group.params)}")
        out.append(group)
        out.extend(rows[i + 1:end])  # the first block's rows, as they are
        i = j
    return out


def folded(row: Row, parent: str, first: int, last: int, copies: int) -> Row:
    def times(value: Any) -> Any:
        return None if value is None else value * copies

    total = times(row.params)
    each = "?" if row.params is None else render_count(row.params)
    return replace(
        row, name=f"{parent}.{first}-{last} (×{copies})", params=total, trainable_params=times(row.trainable_params),
        non_trainable_params=times(row.non_trainable_params), buffers=times(row.buffers),
        formula=f"{copies}*({row.formula})", formula_letters=f"{copies}·({row.formula_letters})",
        explanation=f"{copies} identical blocks ({parent}.{first} … {parent}.{last}), each {each}: "
                    f"{copies} × {each} = {'?' if total is None else render_count(total)}; "
                    f"the rows below are {parent}.{first}'s (--expand lists every block)",
    )
