"""A checked hand count as text (a table of the claims beside the true counts, the explanations, the
sums) and as JSON (schema `paramwise-check/1`)."""

from __future__ import annotations

from typing import Any

from ..formula import render_count
from ..teach.check import Diagnosis
from ..teach.mistakes import pretty

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


def render_text(d: Diagnosis, path: str) -> str:
    lines = [f'{path}: model "{d.report.model}" has {render_count(d.report.total)} parameters.', d.alignment, ""]
    lines += claims_table(d)
    notes = [line for f in d.findings for line in f.lines]
    if notes:
        lines += [""] + notes
    lines += [""] + list(d.summary)
    return "\n".join(lines) + "\n"


def claims_table(d: Diagnosis) -> list[str]:
    running = d.mode == "running"
    head = ["layer", "you", "true", "difference", "mistake"] + (["running"] if running else [])
    cells = [head]
    for f in d.findings:
        you = "-" if f.claimed is None else pretty(f.claimed)
        diff = "" if f.claimed is None or f.difference == 0 else f"{f.difference:+,}"
        row = [f.row.name, you, pretty(f.true), diff, ", ".join(f.mistakes) or ("ok" if f.claimed is not None else "")]
        if running:
            row.append("" if f.running is None else pretty(f.running))
        cells.append(row)
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    right = {1, 2, 3, 5}
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cell, widths))).rstrip()
            for cell in cells]
