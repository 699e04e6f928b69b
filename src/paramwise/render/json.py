"""The JSON form: the versioned schema (see README, "JSON schema")."""

from __future__ import annotations

import json
import json.encoder

from ..report import Report, Row
from . import View, visible_rows

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ..ir import Weight


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
            pieces.append(",\n".join(_layer_lines(rows)))
            pieces.append("\n  ]")
        else:
            pieces.append(f"  {json.dumps(key)}: " + json.dumps(value, indent=2).replace("\n", "\n  "))
    pieces.append("\n}\n")
    return "".join(pieces)


def _one_line_encoder() -> Callable[[Any], str]:
    """`json.dumps` with its defaults (ASCII, `", "` and `": "`), as json's own C encoder makes it for each call:
    made once here, where dumps makes one for every call (about half of a small dict's time; a 100,000-layer model
    encodes two such dicts a row). Without the circular-reference check: a row's dicts are made fresh, no cycle.
    Where the interpreter has no C encoder, json.dumps itself."""
    make = getattr(json.encoder, "c_make_encoder", None)  # the C accelerator json.dumps uses (not in json's types)
    if make is None:
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


def _layer_lines(rows: tuple[Row, ...]) -> list[str]:
    """Each row's line: the text of `json.dumps(row.to_json())`, with the counts part (params to explanation) encoded
    once for all the rows that have the same counts (the blocks of a deep model: a 100,000-layer model has a few),
    between its head and tail encoded for the row. The same text as one dumps() of the row's dict: a test holds it."""
    weights: dict[int, tuple[Weight, dict[str, Any]]] = {}
    counts: dict[tuple[Any, ...], str] = {}  # `rows` keeps every row, so no weights' id is reused while this runs
    lines = []
    dumps = _one_line_encoder()
    for row in rows:
        key = row.counts_key()
        try:
            text, kept = counts.get(key), True
        except TypeError:  # a value that cannot be a key: this row's counts encoded for it alone
            text, kept = None, False
        if text is None:
            text = dumps(row.json_counts(weights))[1:-1]
            if kept:
                counts[key] = text
        lines.append(f"    {dumps(row.json_head())[:-1]}, {text}, {dumps(row.json_tail())[1:]}")
    return lines
