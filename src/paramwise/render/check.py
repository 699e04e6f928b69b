"""A checked hand count as text (a table of the claims beside the true counts, the explanations, the
sums) and as JSON (schema `paramwise-check/1`)."""

from __future__ import annotations

from ..formula import render_count
from ..teach.check import Diagnosis
from ..teach.mistakes import pretty
from .fit import fit_text, wrap_formula

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

CHECK_SCHEMA = "paramwise-check/1"


def to_json(d: Diagnosis) -> dict[str, Any]:
    return {
        "schema": CHECK_SCHEMA,
        "model": d.report.model,
        "framework": d.report.framework,
        "mode": d.mode,
        "claims": list(d.claims),
        "claimed_total": d.claimed_total,
        "true_total": d.report.total,
        "difference": d.claimed_total - d.report.total,
        "correct": d.correct,
        "alignment": d.alignment,
        "layers": [f.to_json() for f in d.findings],
        "mistakes": sorted({m for f in d.findings for m in f.mistakes}),
        "summary": list(d.summary),
        "pitfalls": [p.to_json() for p in d.pitfalls],
    }


def render_text(d: Diagnosis, path: str, width: int | None = None) -> str:
    """The check as text; with `width`, in lines of at most that many cells: the sentences broken between words,
    the explanations before an operator, the table's mistakes wrapped in their column (or under the row)."""
    head = [f'{path}: model "{d.report.model}" has {render_count(d.report.total)} parameters.', d.alignment]
    lines = [prose(line, width) for line in head] + [""] + claims_table(d, width)
    notes = [line for f in d.findings for line in f.lines]
    if notes:
        lines += [""] + [fit_text(line, width) for line in notes]
    lines += [""] + [fit_text(line, width) for line in d.summary]
    return "\n".join(lines) + "\n"


def prose(line: str, width: int | None) -> str:
    return line if width is None else "\n".join(wrap_formula(line, width, "", "  ", prose=True))


def claims_table(d: Diagnosis, width: int | None = None) -> list[str]:
    """The claims beside the true counts; the mistakes (free text) are the last column, wrapped in it."""
    running = d.mode == "running"
    head = ["layer", "you", "true", "difference"] + (["running"] if running else []) + ["mistake"]
    cells = [head]
    for f in d.findings:
        you = "-" if f.claimed is None else pretty(f.claimed)
        diff = "" if f.claimed is None or f.difference == 0 else f"{f.difference:+,}"
        row = [f.row.name, you, pretty(f.true), diff]
        if running:
            row.append("" if f.running is None else pretty(f.running))
        cells.append(row + [", ".join(f.mistakes) or ("ok" if f.claimed is not None else "")])
    widths = [max(len(c[i]) for c in cells) for i in range(len(head) - 1)]
    right = {1, 2, 3, 4}
    out = []
    for cell in cells:
        start = "  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cell, widths)))
        mistake = cell[-1]
        if width is None or len(start) + 2 + len(mistake) <= width or not mistake:
            out.append(f"{start}  {mistake}".rstrip())
            continue
        names = mistake.split(", ")
        longest = max(len(name) for name in names)
        column = len(start) + 2 if len(start) + 2 + longest + 1 <= width else 4  # no room: under the row
        line = f"{start}  {names[0]}" if column > 4 else start.rstrip()
        if column == 4:
            out.append(line)
            line = " " * column + names[0]
        for name in names[1:]:
            if len(line) + 2 + len(name) > width:
                out.append(line + ",")
                line = " " * column + name
            else:
                line += f", {name}"
        out.append(line)
    return out
