"""The JSON form: the versioned schema (see README, "JSON schema")."""

from __future__ import annotations

import json

from ..report import Report
from . import View, visible_rows


def render_json(report: Report, view: View | None = None) -> str:
    if view is not None and view.depth is not None:
        names = {r.name for r in visible_rows(report, view, fold=False)}
        data = report.to_json([r for r in report.rows if r.name in names])  # hidden rows are never converted
    else:
        data = report.to_json()
    # one line per layer (json's C encoder: with indent= Python's own encoder takes seconds on a big model, and a
    # container's row lists every weight below it), the rest indented for people
    parts = []
    for key, value in data.items():
        if key == "layers" and isinstance(value, list) and value:
            rows = ",\n".join(f"    {json.dumps(row)}" for row in value)
            parts.append(f'  "layers": [\n{rows}\n  ]')
        else:
            parts.append(f"  {json.dumps(key)}: " + json.dumps(value, indent=2).replace("\n", "\n  "))
    return "{\n" + ",\n".join(parts) + "\n}\n"
