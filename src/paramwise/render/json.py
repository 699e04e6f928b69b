"""The JSON form: the versioned schema (see README, "JSON schema")."""

from __future__ import annotations

import json

from ..report import Report
from . import View, visible_rows


def render_json(report: Report, view: View | None = None) -> str:
    data = report.to_json()
    if view is not None and view.depth is not None:
        names = {r.name for r in visible_rows(report, view, fold=False)}
        data["layers"] = [row for row in data["layers"] if row["name"] in names]
    return json.dumps(data, indent=2) + "\n"
