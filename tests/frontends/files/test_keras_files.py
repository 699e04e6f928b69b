"""Keras model files read as data: to_json() text, .keras archives and legacy .h5 files, each written by
real Keras 3 (torch backend) and compared with the model that wrote it (total, trainable, per-layer
counts, weight shapes and output shapes)."""

from __future__ import annotations

import io
import json
import math
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main

keras = pytest.importorskip("keras")
pytest.importorskip("torch")
from keras import layers  # noqa: E402

from keras_oracle import compare  # noqa: E402

FORMATS = ("json", "keras", "h5")


def write(model: Any, path: Path, fmt: str) -> Path:
    target = path / f"{model.name}.{fmt}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "json":
            target.write_text(model.to_json())
        else:
            model.save(target)
    return target


def read_all(model: Any, tmp_path: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, paramwise.Report]:
    reports = {}
    for fmt in formats:
        report = paramwise.read(str(write(model, tmp_path, fmt)))
        check_invariants(report)
        assert compare(report, model) == [], fmt
        reports[fmt] = report
    return reports


def codes(report: paramwise.Report) -> list[str]:
    return [w.code for w in report.warnings]


# -- models ------------------------------------------------------------------------------------------


def shared_nested() -> Any:
    """Two inputs, a shared Dense, a nested Sequential and a nested functional model called twice."""
    inner = keras.Sequential([layers.Input((8,)), layers.Dense(4), layers.Dropout(0.1)], name="inner")
    f_in = keras.Input((8,))
    fun = keras.Model(f_in, layers.Dense(8, name="fun_dense")(f_in), name="fun")
    a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
    shared = layers.Dense(8, name="shared")
    x = layers.Add()([shared(a), shared(b)])
    x = fun(fun(x))
    y = inner(x)
    z = layers.Concatenate()([y, layers.Dense(3, name="head")(y)])
    return keras.Model([a, b], [z, y], name="shared_nested")


def recurrent_and_attention() -> Any:
    tokens = keras.Input((12,), dtype="int32", name="tokens")
    x = layers.Embedding(100, 16)(tokens)
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = layers.LayerNormalization()(x)
    x = layers.TimeDistributed(layers.Dense(5))(x)
    x = layers.GRU(6)(x)
    return keras.Model(tokens, layers.Dense(2)(x), name="recurrent_and_attention")


def cnn_with_ops() -> Any:
    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x + 3.0)  # a Keras op in the graph, not a layer
    x = keras.ops.multiply(x, 0.5)
    x = layers.DepthwiseConv2D(3)(x)
    x = layers.SeparableConv2D(16, 3, strides=2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x), name="cnn_with_ops")


def frozen_backbone() -> Any:
    backbone = keras.Sequential([layers.Input((16,)), layers.Dense(8), layers.BatchNormalization()], name="backbone")
    backbone.trainable = False
    inputs = keras.Input((16,))
    return keras.Model(inputs, layers.Dense(2)(backbone(inputs)), name="frozen_backbone")


def sequential_built() -> Any:
    model = keras.Sequential([layers.Dense(5), layers.Dense(3)], name="sequential_built")
    model.build((None, 7))
    return model


def deep_nesting() -> Any:
    """A functional model inside a functional model inside a Sequential, each level with its own layers."""
    leaf = keras.Sequential([layers.Input((6,)), layers.Dense(5, name="leaf_dense")], name="leaf")
    mid_in = keras.Input((6,))
    mid = keras.Model(mid_in, layers.Dense(4, name="mid_dense")(leaf(mid_in)), name="mid")
    top_in = keras.Input((6,))
    top = keras.Model(top_in, layers.LayerNormalization()(mid(top_in)), name="top")
    return keras.Sequential([layers.Input((6,)), top, layers.Dense(2)], name="deep_nesting")


MODELS: dict[str, Callable[[], Any]] = {
    "deep_nesting": deep_nesting,
    "shared_nested": shared_nested,
    "recurrent_and_attention": recurrent_and_attention,
    "cnn_with_ops": cnn_with_ops,
    "frozen_backbone": frozen_backbone,
    "sequential_built": sequential_built,
}


@pytest.mark.parametrize("name", MODELS)
def test_files_match_keras(name: str, tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = MODELS[name]()
    reports = read_all(model, tmp_path)
    for fmt, report in reports.items():
        assert not [w for w in report.warnings if w.code in ("stored_mismatch", "unknown_layer")], (fmt, report.warnings)
        assert report.model == model.name


def test_shared_layer_is_counted_once_and_connected(tmp_path: Path) -> None:
    keras.backend.clear_session()
    report = read_all(shared_nested(), tmp_path, ("json",))["json"]
    rows = {r.name: r for r in report.rows if r.depth == 0}
    assert rows["shared"].calls == 2 and rows["fun"].calls == 2
    assert rows["add"].connected_to == ("shared",)
    assert rows["concatenate"].connected_to == ("inner", "head")
    assert [r.name for r in report.rows if r.parent == "inner"] == ["dense", "dropout"]


def test_frozen_nested_model_counts_as_non_trainable(tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = frozen_backbone()
    report = read_all(model, tmp_path, ("keras",))["keras"]
    assert report.non_trainable == sum(math.prod(w.shape) for w in model.non_trainable_weights)


# -- shapes the file does not give -----------------------------------------------------------------


def test_sequential_without_input_shape_needs_one(tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(5), layers.Dense(3)], name="unbuilt")
    path = tmp_path / "unbuilt.json"
    path.write_text(model.to_json())
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert "has no input shape" in e.value.message and "--input-shape" in e.value.hint
    report = paramwise.read(str(path), input_shape=(7,))
    built = sequential_built()
    assert report.total == built.count_params()


# -- custom, Lambda and stored tensors ---------------------------------------------------------------


@keras.saving.register_keras_serializable(package="paramwise_tests")
class Scale(layers.Layer):
    def build(self, input_shape: Any) -> None:
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.b = self.add_weight(shape=(2, input_shape[-1]), initializer="zeros", trainable=False)

    def call(self, x: Any) -> Any:
        return x * self.w


def custom_model() -> Any:
    inputs = keras.Input((6,))
    x = Scale(name="scale")(inputs)
    x = layers.Lambda(lambda t: t * 2.0, name="double")(x)
    return keras.Model(inputs, layers.Dense(3)(x), name="custom_model")


def test_custom_layer_counted_from_stored_tensors(tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = custom_model()
    for fmt in ("keras", "h5"):
        report = paramwise.read(str(write(model, tmp_path, fmt)))
        check_invariants(report)
        rows = {r.name: r for r in report.rows}
        assert rows["scale"].params == model.get_layer("scale").count_params(), fmt
        assert report.total == model.count_params()
        assert "stored_only" in codes(report)
        assert rows["double"].params == 0  # Keras tracks no weights in a Lambda


def test_custom_layer_in_json_is_unknown_with_warning(tmp_path: Path) -> None:
    keras.backend.clear_session()
    report = paramwise.read(str(write(custom_model(), tmp_path, "json")))
    rows = {r.name: r for r in report.rows}
    assert rows["scale"].params is None
    unknown = [w for w in report.warnings if w.code == "unknown_layer"]
    assert unknown and "custom layer, which paramwise never imports" in unknown[0].message
    assert unknown[0].location is not None and unknown[0].location.path == "config.layers[1]"


def test_stored_tensors_that_differ_from_the_formula_warn(tmp_path: Path) -> None:
    keras.backend.clear_session()
    wide = keras.Sequential([layers.Input((4,)), layers.Dense(6, name="d")], name="m")
    narrow = keras.Sequential([layers.Input((4,)), layers.Dense(5, name="d")], name="m")
    write(wide, tmp_path, "keras")
    mixed = tmp_path / "mixed.keras"
    with zipfile.ZipFile(tmp_path / "m.keras") as src, zipfile.ZipFile(mixed, "w") as out:
        for item in src.namelist():
            out.writestr(item, src.read(item))
    write(narrow, tmp_path, "keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as src:
        config = src.read("config.json")
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(mixed) as src, zipfile.ZipFile(rebuilt, "w") as out:
        for item in src.namelist():
            out.writestr(item, config if item == "config.json" else src.read(item))
    mixed.write_bytes(rebuilt.getvalue())
    report = paramwise.read(str(mixed))
    assert report.total == narrow.count_params()
    mismatch = [w for w in report.warnings if w.code == "stored_mismatch"]
    assert len(mismatch) == 1 and "Dense 'd'" in mismatch[0].message and "(4, 6)" in mismatch[0].message


# -- errors -----------------------------------------------------------------------------------------


def test_broken_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"class_name": "Sequential",\n "config": {"layers": [}\n}')
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert e.value.location is not None and (e.value.location.line, e.value.location.col) == (2, 24)


def test_weights_only_h5_is_explained(tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = sequential_built()
    path = tmp_path / "only.weights.h5"
    model.save_weights(path)
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert "no model configuration" in e.value.message and "model.save" in e.value.hint


def test_missing_h5py_names_the_pip_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    keras.backend.clear_session()
    path = write(sequential_built(), tmp_path, "h5")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "h5py" else real(name, *a))
    with pytest.raises(paramwise.ParamwiseError) as e:
        paramwise.read(str(path))
    assert "h5py" in e.value.message and e.value.hint == "pip install 'paramwise[h5]'"


def test_hugging_face_config_is_not_taken_for_keras(tmp_path: Path) -> None:
    from paramwise.frontends.files import keras_json

    head = json.dumps({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 768}).encode()
    assert not keras_json.sniff("config.json", head)


# -- the command line: connections and nested rows ---------------------------------------------------


def test_cli_shows_connections_and_opens_nested_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras.backend.clear_session()
    path = write(shared_nested(), tmp_path, "json")
    assert main([str(path), "--width", "160"]) == 0
    top = capsys.readouterr().out
    assert "Connected to" in top and "inner (Sequential)" in top and "fun_dense" not in top
    assert main([str(path), "--depth", "1", "--width", "160"]) == 0
    nested = capsys.readouterr().out
    assert "fun_dense (Dense)" in nested and "dropout (Dropout)" in nested
    assert main([str(path), "--expand", "--width", "160"]) == 0
    assert capsys.readouterr().out == nested


def test_cli_json_of_a_keras_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras.backend.clear_session()
    model = cnn_with_ops()
    path = write(model, tmp_path, "keras")
    assert main([str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == model.count_params()
    assert [row["name"] for row in data["layers"]] == [layer.name for layer in model.layers]


def test_cli_reads_a_json_config_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    keras.backend.clear_session()
    model = shared_nested()
    monkeypatch.setattr("sys.stdin", io.StringIO(model.to_json()))
    assert main(["-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == model.count_params()


def test_keras_archive_without_h5py_still_reads_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    keras.backend.clear_session()
    model = sequential_built()
    path = write(model, tmp_path, "keras")
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    report = paramwise.read(str(path))
    assert report.total == model.count_params()
    note = [w for w in report.warnings if w.code == "weights_not_read"]
    assert note and note[0].hint == "pip install 'paramwise[h5]'"
