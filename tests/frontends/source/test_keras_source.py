"""The static Keras source reader: which model is shown, unknown layers, the JSON schema on every case,
and code that only looks like a model."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

import paramwise
from helpers import CASES, check_invariants
from paramwise.errors import InputError
from paramwise.frontends import ReadOptions
from paramwise.frontends.source.keras.source import read as read_source
from wild_cases import WILD

KERAS_CASES = sorted((CASES / "keras").glob("*.py")) + sorted(WILD.glob("*.py"))


def found_names(text: str, **options: object) -> tuple[list[str], str]:
    found, chosen = read_source("m.py", text, ReadOptions(**options))  # type: ignore[arg-type]
    return [f.name for f in found], found[chosen].name


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "m.py"
    path.write_text(text)
    return str(path)


TWO = """
import keras
from keras import layers
small = keras.Sequential([keras.Input((4,)), layers.Dense(2)], name="small")
model = keras.Sequential([keras.Input((4,)), layers.Dense(3)], name="main")
big = keras.Sequential([keras.Input((4,)), layers.Dense(8)], name="big")
"""


def test_the_variable_model_is_shown_first() -> None:
    names, chosen = found_names(TWO)
    assert names == ["small", "model", "big"]
    assert chosen == "model"


def test_model_option_by_variable_or_keras_name() -> None:
    assert found_names(TWO, model="big")[1] == "big"
    assert found_names(TWO, model="small")[1] == "small"
    with pytest.raises(InputError, match="no model named 'nope'"):
        found_names(TWO, model="nope")


def test_else_the_last_model_built() -> None:
    text = TWO.replace("model = ", "middle = ")
    assert found_names(text)[1] == "big"


def test_models_built_only_inside_functions_are_found() -> None:
    text = """
import keras
from keras import layers
def make():
    return keras.Sequential([keras.Input((4,)), layers.Dense(2)])
def train(epochs):
    raise SystemExit
"""
    names, chosen = found_names(text)
    assert names == chosen.split() == ["make"]


def test_a_model_class_never_instantiated_is_built_with_input_shape() -> None:
    text = """
import keras
class Net(keras.Model):
    def __init__(self, width=5):
        super().__init__()
        self.fc = keras.layers.Dense(width)
    def call(self, x):
        return self.fc(x)
"""
    found, chosen = read_source("m.py", text, ReadOptions(input_shape=(3,)))
    graph = found[chosen].graph
    assert found[chosen].name == "Net" and graph is not None
    assert paramwise.infer(graph).total == 20


def test_unknown_layer_is_a_question_mark_row_and_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, """
import keras
from keras import layers
model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dence(2), layers.Dense(2)])
""")
    report = paramwise.read(path)
    rows = {r.name: r for r in report.rows}
    assert rows["dence"].params is None and rows["dence"].formula == "?"
    warning = next(w for w in report.warnings if w.code == "unknown_layer")
    assert "unknown layer Dence" in warning.message
    assert warning.hint == "did you mean Dense?"
    assert (warning.location.line, warning.location.col) == (4, 63)
    assert rows["dense"].params == 15  # the run goes on


def test_shared_layer_weights_are_counted_once(tmp_path: Path) -> None:
    report = paramwise.read(str(CASES / "keras" / "s_shared_layer_siamese.py"))
    embed = [r for r in report.rows if r.name == "dense"]
    assert len(embed) == 1 and embed[0].calls == 2


@pytest.mark.parametrize("path", KERAS_CASES, ids=[p.stem for p in KERAS_CASES])
def test_json_of_every_case_follows_the_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("paramwise").joinpath("schema.json").read_text())
    from wild_cases import load_case, read_case

    report = read_case(load_case(path)) if path.parent == WILD else paramwise.read(str(path))
    check_invariants(report)
    jsonschema.validate(json.loads(json.dumps(report.to_json())), schema)
    if any(shape and shape[0] is not None for shape in report.input_shapes):
        return  # built by calling it on data of a fixed batch size: Keras keeps that size too
    for layer in report.to_json()["layers"]:
        shape = layer["output_shape"]
        shapes = shape if shape and isinstance(shape[0], list) else [shape] if shape else []
        assert all(s[0] is None for s in shapes if s), (layer["name"], shape)  # batch axis is null


def test_nothing_outside_keras_is_called(tmp_path: Path) -> None:
    """Names the reader does not model are inert: their calls do nothing and the model is still read."""
    path = write(tmp_path, """
import numpy as np
import keras
data = np.load("missing.npy")
n = data.shape[1]
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(4)])
model.fit(data, epochs=np.inf)
""")
    assert paramwise.read(path).total == 44
