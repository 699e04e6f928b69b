"""paramwise.summary(model) on live Keras 3 models: the same kinds explain every layer, the model's
variables are the second count, count_params() checks the total, and the model is never changed."""

from __future__ import annotations

import json
from typing import Any

import pytest

import paramwise
from helpers import check_invariants

keras = pytest.importorskip("keras")
pytest.importorskip("torch")
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from keras_oracle import compare  # noqa: E402


def state(model: Any) -> tuple[Any, ...]:
    """What summary() must leave alone."""
    optimizer = getattr(model, "optimizer", None)
    optimizer_vars = len(optimizer.variables) if optimizer is not None else None
    return (model.built, len(model.variables), [v.path for v in model.variables], optimizer, optimizer_vars,
            getattr(model, "compiled", None))


def functional() -> Any:
    inner = keras.Sequential([layers.Input((8,)), layers.Dense(4), layers.BatchNormalization()], name="inner")
    a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
    shared = layers.Dense(8, name="shared")
    x = layers.Add()([shared(a), shared(b)])
    y = inner(x)
    return keras.Model([a, b], layers.Dense(2, name="head")(y), name="live_functional")


def test_functional_model_matches_and_is_unchanged() -> None:
    keras.backend.clear_session()
    model = functional()
    model.compile(optimizer="adam", loss="mse")
    before = state(model)
    report = paramwise.summary(model)
    assert state(model) == before
    check_invariants(report)
    assert compare(report, model) == []
    assert report.warnings == ()


def test_sequential_built_with_build() -> None:
    keras.backend.clear_session()
    model = keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(3)], name="seq")
    model.build((None, 10, 10, 1))
    before = state(model)
    report = paramwise.summary(model)
    assert state(model) == before
    assert compare(report, model) == []


class Tower(keras.Model):
    def __init__(self) -> None:
        super().__init__(name="tower")
        self.conv = layers.Conv2D(6, 3)
        self.pool = layers.GlobalAveragePooling2D()
        self.head = layers.Dense(4)

    def call(self, x: Any) -> Any:
        return self.head(self.pool(self.conv(x)))


def test_subclassed_model_rows_from_build_shapes() -> None:
    keras.backend.clear_session()
    model = Tower()
    model(np.zeros((1, 12, 12, 3), "float32"))
    before = state(model)
    report = paramwise.summary(model)
    assert state(model) == before
    assert report.total == model.count_params()
    rows = {r.name: r for r in report.rows if r.depth == 0}
    for layer in model.layers:
        assert rows[layer.name].params == layer.count_params()
    assert "(3·3·3 + 1)·6" in rows[model.conv.name].explanation


def test_unbuilt_model_is_refused_not_built() -> None:
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3)])
    with pytest.raises(paramwise.ParamwiseError) as e:
        paramwise.summary(model)
    assert "is not built" in e.value.message and "never builds" in e.value.hint
    assert not model.built


class Gate(layers.Layer):
    def build(self, input_shape: Any) -> None:
        self.g = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

    def call(self, x: Any) -> Any:
        return x


def test_custom_layer_counted_from_its_variables() -> None:
    keras.backend.clear_session()
    inputs = keras.Input((5,))
    model = keras.Model(inputs, layers.Dense(2)(Gate(name="gate")(inputs)), name="with_custom")
    report = paramwise.summary(model)
    assert report.total == model.count_params()
    assert {r.name: r.params for r in report.rows}["gate"] == 10
    assert "stored_only" in [w.code for w in report.warnings]


def test_total_is_cross_checked_with_count_params(monkeypatch: pytest.MonkeyPatch) -> None:
    keras.backend.clear_session()
    model = functional()
    monkeypatch.setattr(type(model), "count_params", lambda self: 7)
    report = paramwise.summary(model)
    assert [w.code for w in report.warnings] == ["live_mismatch"]
    assert "count_params() says 7" in report.warnings[0].message


def test_report_api_table_json_and_html() -> None:
    keras.backend.clear_session()
    model = functional()
    report = paramwise.summary(model)
    text = str(report)
    assert 'Model: "live_functional"' in text and "Connected to" in text and "Total params" in text
    assert report.total == model.count_params()
    assert report.trainable + report.non_trainable == report.total
    assert [r.name for r in report.layers if r.depth == 0] == [layer.name for layer in model.layers]
    data = json.loads(json.dumps(report.to_json()))
    assert data["total"] == model.count_params()
    html = report._repr_html_()
    assert "<table>" in html and "head (Dense)" in html
    assert "kernel 4×2 = 8, bias 2 → (4 + 1)·2 = 10" in html  # the arithmetic, not just the number
