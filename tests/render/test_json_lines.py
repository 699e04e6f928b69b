"""Each layer's line of the JSON is exactly `json.dumps(row.to_json())`: render/json.py encodes the counts part of
identical rows once and writes the rest around it, and the text must not differ from encoding each row whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sympy import Integer

from helpers import case_report
from paramwise.frozen import replace
from paramwise.render.json import render_json
from paramwise.report import Report

CASES = Path(__file__).resolve().parent.parent / "cases"
SOURCES = sorted([*(CASES / "keras").glob("*.py"), *(CASES / "torch").glob("*.py"), *(CASES / "hf").glob("*.json")])


def _lines(report: Report) -> list[str]:
    text = render_json(report)
    start = text.index('  "layers": [\n') + len('  "layers": [\n')
    return text[start:text.index("\n  ]", start)].split(",\n") if report.rows else []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_line_is_the_row_encoded_whole(path: Path) -> None:
    report = case_report(path)
    assert _lines(report) == ["    " + json.dumps(row.to_json()) for row in report.rows]


def test_rows_that_differ_only_in_their_counts_are_not_merged(tmp_path: Path) -> None:
    source = tmp_path / "same.py"
    source.write_text("import keras\nmodel = keras.Sequential([keras.Input((8,))] + [keras.layers.Dense(8) for _ in range(6)])\n")
    report = case_report(source)
    rows = list(report.rows)
    rows[6:] = [replace(rows[0], params=72), replace(rows[0], params=Integer(72)),  # equal, and written apart
                replace(rows[0], weight_objects=tuple(replace(w, name=f"other_{w.name}") for w in rows[0].weight_objects))]
    assert len(rows) == 9 and all(r.weight_objects is rows[0].weight_objects for r in rows[:8])  # shared, one counts text
    # the same Weight objects with one other value each: each row gets its own text
    changes = [{"formula": "changed"}, {"formula_letters": "changed"}, {"explanation": "changed"}, {"params": 7},
               {"shared": (("kernel", "dense"),)}]
    for i, change in enumerate(changes, 1):
        rows[i] = replace(rows[i], **change)
    changed = replace(report, rows=tuple(rows))
    lines = _lines(changed)
    assert lines == ["    " + json.dumps(row.to_json()) for row in changed.rows]
    assert '"formula": "changed"' in lines[1] and '"formula_letters": "changed"' in lines[2]
    assert '"explanation": "changed"' in lines[3] and '"params": 7' in lines[4] and '"shared_with": "dense"' in lines[5]
    assert '"params": 72,' in lines[6] and '"params": "72",' in lines[7] and '"name": "other_kernel"' in lines[8]
