"""Renderers: pure functions of a Report (table, json, markdown, html)."""

from __future__ import annotations

from ..frozen import frozen


@frozen
class View:
    """What a renderer shows: `depth` limits nested rows (None: all), `explain` adds the why per layer."""

    depth: int | None = None
    explain: bool = False
    width: int | None = None
    columns: tuple[str, ...] | None = None  # the table's columns by name (COLUMNS); None: those that apply


def report_view(report) -> View:  # type: ignore[no-untyped-def]
    """What a report shows where no view is given (`print(report)`, a notebook): what `paramwise FILE` shows
    (the reader's depth, else the top level), or what `summary(..., depth=, expand=, explain=)` asked."""
    asked = report.meta.get("view") or {}
    depth = asked["depth"] if "depth" in asked else report.meta.get("depth", 0)
    return View(depth=depth, explain=bool(asked.get("explain", False)))


COLUMNS = ("shape", "params", "macs", "saved", "connected", "buffers")  # --columns: the table's optional columns


def visible_rows(report, view: View, fold: bool = True):  # type: ignore[no-untyped-def]
    limit = view.depth
    rows = [r for r in report.rows if limit is None or r.depth <= limit]
    if fold and limit is not None and report.meta.get("fold_repeats"):
        from .folding import fold_repeats

        rows = fold_repeats(rows)
    return rows


def is_graph(report) -> bool:  # type: ignore[no-untyped-def]
    """True when some layer has several inputs or feeds from a layer other than the previous one."""
    if report.framework == "torch":  # modules are listed in definition order, not call order
        return False
    previous = None
    for r in report.rows:
        if r.depth:
            continue
        if len(r.connected_to) > 1 or (previous is not None and r.connected_to and r.connected_to[0] != previous):
            return True
        previous = r.name
    return False
