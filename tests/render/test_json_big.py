"""The JSON (one line per layer, written by json's C encoder) holds exactly the report's data."""

from __future__ import annotations

import json
from pathlib import Path

from paramwise.frontends import ReadOptions, read_path
from paramwise.infer import infer
from paramwise.render.json import render_json


def test_one_line_per_layer_is_the_same_json(tmp_path: Path) -> None:
    n = 250
    source = tmp_path / "deep.py"
    source.write_text("import keras\nmodel = keras.Sequential([keras.Input((8,))])\n"
                      f"for i in range({n}):\n    model.add(keras.layers.Dense(8))\n")
    found, chosen = read_path(str(source), ReadOptions())
    report = infer(found[chosen].require())
    text = render_json(report)
    assert json.loads(text) == json.loads(json.dumps(report.to_json()))
    lines = text.splitlines()
    assert sum(1 for line in lines if line.startswith('    {"name": ')) == n
    assert len(lines) < n + 100


def test_small_and_empty_reports(tmp_path: Path) -> None:
    source = tmp_path / "empty.py"
    source.write_text("import keras\nmodel = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])\n")
    found, chosen = read_path(str(source), ReadOptions())
    report = infer(found[chosen].require())
    assert json.loads(render_json(report)) == json.loads(json.dumps(report.to_json()))
    from paramwise.frozen import replace

    assert json.loads(render_json(replace(report, rows=())))["layers"] == []
