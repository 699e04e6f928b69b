"""Pitfall warnings: a pure function of the Report, shown in every summary and by `check`."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import paramwise
from helpers import CASES
from paramwise.cli import main
from paramwise.teach.pitfalls import find_pitfalls

pytest.importorskip("keras")
from keras_oracle import build  # noqa: E402

ROOT = CASES.parent.parent
CHECK = CASES / "check"
MNIST = ROOT / "examples" / "mnist_cnn.py"
LESSON = ROOT / "examples" / "cnn_lesson.py"


def codes(path: str) -> list[str]:
    return [d.code for d in find_pitfalls(paramwise.read(path))]


def test_dense_without_flatten_states_the_real_count() -> None:
    path = CHECK / "mnist_no_flatten.py"
    model = build(path)
    found = [d for d in find_pitfalls(paramwise.read(str(path))) if d.code == "dense_on_feature_map"]
    assert len(found) == 1
    message = found[0].message
    assert "applies Dense to the last axis" in message
    assert f"the model has {model.count_params():,} parameters, not the count of a model with a Flatten" in message
    conv, dense = model.layers[0], model.layers[1]
    flat = math.prod(tuple(conv.output.shape)[1:])
    assert f"{(flat + 1) * dense.units:,}" in found[0].hint


def test_dominant_layer_in_the_mnist_cnn() -> None:
    model = build(MNIST)
    dense = model.layers[3]
    found = [d for d in find_pitfalls(paramwise.read(str(MNIST))) if d.code == "dominant_layer"]
    assert len(found) == 1
    share = math.floor(dense.count_params() / model.count_params() * 1000) / 10
    assert found[0].message.startswith(f"{dense.name} holds {share}% of the parameters")
    assert "pooling, a strided convolution or global pooling" in found[0].hint


def test_channels_first_data_in_a_channels_last_layer() -> None:
    found = [d for d in find_pitfalls(paramwise.read(str(CHECK / "channels_first_data.py"))) if d.code == "channels_layout"]
    assert len(found) == 1
    assert "looks channels-first" in found[0].message
    assert "keras.Input((32, 32, 3))" in found[0].hint


def test_clean_models_have_no_pitfalls() -> None:
    assert codes(str(LESSON)) == []
    assert codes(str(CHECK / "lstm.py")) == []


def test_summary_prints_pitfalls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(MNIST)]) == 0
    assert "warning: dense holds" in capsys.readouterr().err
    assert main([str(MNIST), "--format", "json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert "dominant_layer" in [w["code"] for w in data["warnings"]]


@pytest.mark.parametrize("layer", ["MaxPooling1D(2)", "AveragePooling1D(2)", "Conv1D(4, 3)"])
def test_dense_after_a_feature_map_layer_on_a_sequence_is_named(tmp_path: Path, layer: str) -> None:
    """The kinds say which layers make feature maps (Kind.is_spatial): pooling as much as convolution."""
    path = tmp_path / "model.py"
    path.write_text(
        "import keras\nfrom keras import layers\n"
        f"model = keras.Sequential([keras.Input((100, 8)), layers.{layer}, layers.Dense(10)])\n"
    )
    model = build(path)
    found = [d for d in find_pitfalls(paramwise.read(str(path))) if d.code == "dense_on_feature_map"]
    assert len(found) == 1
    dense = model.layers[-1]
    assert f"gives (None, {', '.join(str(d) for d in tuple(dense.output.shape)[1:])})" in found[0].message
    assert f"the model has {model.count_params():,} parameters" in found[0].message
