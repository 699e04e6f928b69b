"""A big model's JSON (one line per layer, written by json's C encoder) holds exactly the report's data."""

from __future__ import annotations

import json
from pathlib import Path

from paramwise.frontends import ReadOptions, read_path
from paramwise.infer import infer
from paramwise.render.json import ONE_LINE_LAYERS, render_json


def test_one_line_per_layer_is_the_same_json(tmp_path: Path) -> None:
    n = ONE_LINE_LAYERS + 50
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
