"""The JSON form: the versioned schema (see README, "JSON schema")."""

from __future__ import annotations

import json

from ..report import Report
from . import View, visible_rows


def render_json(report: Report, view: View | None = None) -> str:
    rows = report.rows
    if view is not None and view.depth is not None:
        names = {r.name for r in visible_rows(report, view, fold=False)}
        rows = tuple(r for r in report.rows if r.name in names)  # hidden rows are never converted
    data = report.to_json([])
    # one line per layer (json's C encoder: with indent= Python's own encoder takes seconds on a big model, and a
    # container's row lists every weight below it), the rest indented for people. Each row is converted and
    # encoded in turn, so that only its text is kept, and the whole is joined once.
    pieces = ["{\n"]
    for index, (key, value) in enumerate(data.items()):
        if index:
            pieces.append(",\n")
        if key == "layers" and rows:
            pieces.append('  "layers": [\n')
            pieces.append(",\n".join(["    " + json.dumps(layer) for layer in Report.each_layer_json(rows)]))
            pieces.append("\n  ]")
        else:
            pieces.append(f"  {json.dumps(key)}: " + json.dumps(value, indent=2).replace("\n", "\n  "))
    pieces.append("\n}\n")
    return "".join(pieces)

