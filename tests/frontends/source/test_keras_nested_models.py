"""Models nested in models, in Keras source: the reader makes each model's graph once when it ends (Session.graphs),
and a nested model called on the shapes it was built on gives its own outputs' shapes without a walk of its graph
(ModelBase.outputs_for). Both only save work: every Keras case reads the same without them, and a chain of d nested
models makes O(d) graphs, not O(d²)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paramwise.errors import ParamwiseError
from paramwise.frontends import ReadOptions, read_path
from paramwise.frontends.source.keras import models
from paramwise.infer import infer
from paramwise.render.json import render_json

CASES = Path(__file__).resolve().parents[2] / "cases" / "keras"
KERAS = sorted(CASES.glob("*.py"))


def _read(path: Path) -> list[tuple[str, str | None, str | None]]:
    """What a user can see of each model the file builds: its name, its report's JSON or its error."""
    try:
        found, _ = read_path(str(path), ReadOptions())
    except ParamwiseError as e:
        return [("", None, e.message)]
    return [(f.name, render_json(infer(f.graph)) if f.graph is not None else None, f.error and f.error.message)
            for f in found]


def _without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models.ModelBase, "outputs_for", lambda self, shapes: None)
    monkeypatch.setattr(models.ModelBase, "to_graph", lambda self: self.make_graph())


@pytest.mark.parametrize("path", KERAS, ids=lambda p: p.name)
def test_a_case_reads_the_same_without_the_shortcuts(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _read(path)
    _without_shortcuts(monkeypatch)
    assert _read(path) == fast


CHAIN = ("import keras\nfrom keras import layers\n\n"
         "block = keras.Sequential([keras.Input((8,)), layers.Dense(8)])\n"
         "for _ in range({n}):\n"
         "    block = keras.Sequential([keras.Input((8,)), block, layers.Dense(8)])\n"
         "model = block\n")
FUNCTIONAL = ("import keras\nfrom keras import layers\n\n"
              "i = keras.Input((8,))\nblock = keras.Model(i, layers.Dense(8)(i))\n"
              "for _ in range({n}):\n"
              "    i = keras.Input((8,))\n"
              "    block = keras.Model(i, layers.Dense(8)(block(i)))\n"
              "model = block\n")


@pytest.mark.parametrize("source", [CHAIN, FUNCTIONAL], ids=["sequential", "functional"])
def test_a_chain_of_nested_models_makes_each_graph_a_bounded_number_of_times(
        source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    make_graph = models.ModelBase.make_graph
    monkeypatch.setattr(models.ModelBase, "make_graph", lambda self: made.append(self.name) or make_graph(self))
    counts = {}
    for depth in (20, 40):
        path = tmp_path / f"chain_{depth}.py"
        path.write_text(source.format(n=depth - 1))
        made.clear()
        found, chosen = read_path(str(path), ReadOptions())
        report = infer(found[chosen].require())
        assert report.total == depth * (8 * 8 + 8)
        assert len(found) == depth  # every model the file builds is listed, each with its graph
        assert all(f.graph is not None for f in found)
        counts[depth] = len(made)
    assert counts[40] <= 2 * counts[20] and counts[40] <= 2 * 40, counts  # linear in the depth
    # and the shapes: every level's nested model is called on the shapes it was built on
    monkeypatch.setattr(models.ModelBase, "outputs_for", lambda self, shapes: None)
    made.clear()
    read_path(str(tmp_path / "chain_40.py"), ReadOptions())
    assert len(made) > 10 * counts[40]  # without the shortcut, each call made the graphs below it


def test_a_warning_said_while_the_graphs_are_made_is_kept(tmp_path: Path) -> None:
    """A subclassed model that is built but never called has its call() followed when its graph is made, at the end
    of the reading; what that says (a layer call() makes without tracking it) is kept with the model's warnings."""
    path = tmp_path / "untracked.py"
    path.write_text((CASES / "subclass_untracked_layers.py").read_text().replace(
        "model(keras.ops.zeros((1, 3)))", "model.build((None, 3))"))
    called = read_path(str(CASES / "subclass_untracked_layers.py"), ReadOptions())[0][0].require()
    built = read_path(str(path), ReadOptions())[0][0].require()
    assert [w.code for w in called.warnings] == ["untracked_layer"]
    assert [(w.code, w.message) for w in built.warnings if w.code != "unbuilt_layers"] == [(w.code, w.message) for w in called.warnings]
    assert [w.code for w in built.warnings].count("unbuilt_layers") == 1  # built by model.build() alone (Keras' count differs)
