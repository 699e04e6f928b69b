"""The JSON form: the versioned schema (see README, "JSON schema")."""

from __future__ import annotations

import json

from ..report import Report
from . import View, visible_rows

ONE_LINE_LAYERS = 100  # past this many layers, each layer's object is written on one line


def render_json(report: Report, view: View | None = None) -> str:
    data = report.to_json()
    if view is not None and view.depth is not None:
        names = {r.name for r in visible_rows(report, view, fold=False)}
        data["layers"] = [row for row in data["layers"] if row["name"] in names]
    layers = data.get("layers")
    if not isinstance(layers, list) or len(layers) <= ONE_LINE_LAYERS:
        return json.dumps(data, indent=2) + "\n"
    # a big model: one line per layer (json's C encoder; with indent= Python's own encoder takes seconds)
    parts = []
    for key, value in data.items():
        if key == "layers":
            rows = ",\n".join(f"    {json.dumps(row)}" for row in layers)
            parts.append(f'  "layers": [\n{rows}\n  ]')
        else:
            parts.append(f"  {json.dumps(key)}: " + json.dumps(value, indent=2).replace("\n", "\n  "))
    return "{\n" + ",\n".join(parts) + "\n}\n"
