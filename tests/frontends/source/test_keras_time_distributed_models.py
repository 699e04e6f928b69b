"""Keras' TimeDistributed(model): a model (Sequential, functional or subclassed) applied to every time step of a
(batch, time, ...) input, as video and sequence-of-images models use it. paramwise refused it ("TimeDistributed's
layer must be a layer object"); it now walks the model on one step's shape, as Keras builds it. Checked against
Keras itself: totals, each top-level row's count, weights and output shape."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("keras")
import keras_oracle  # noqa: E402

CNN = """
import keras
from keras import layers

cnn = keras.Sequential([
    keras.Input((16, 16, 3)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(8),
], name="cnn")
"""

CASES = {
    "functional_video_model": CNN + """
frames = keras.Input((6, 16, 16, 3))
x = layers.TimeDistributed(cnn)(frames)
x = layers.LSTM(5)(x)
model = keras.Model(frames, layers.Dense(2)(x))
""",
    "in_a_sequential": CNN + """
model = keras.Sequential([keras.Input((6, 16, 16, 3)), layers.TimeDistributed(cnn, name="per_frame"),
                          layers.GRU(4), layers.Dense(1)])
""",
    "functional_inner_model": """
import keras
from keras import layers

i = keras.Input((7,))
inner = keras.Model(i, layers.Dense(3)(layers.Dense(5, activation="relu")(i)), name="inner")
seq = keras.Input((4, 7))
model = keras.Model(seq, layers.TimeDistributed(inner)(seq))
""",
    "frozen_inner_model": CNN + """
cnn.trainable = False
frames = keras.Input((6, 16, 16, 3))
model = keras.Model(frames, layers.LSTM(3)(layers.TimeDistributed(cnn)(frames)))
""",
    # trainable=False given to TimeDistributed: Keras 3 leaves the model's weights trainable (they are its own)
    "trainable_false_in_the_wrapper": CNN.replace("layers.Dense(8),", "layers.Dense(8), layers.BatchNormalization(),") + """
frames = keras.Input((6, 16, 16, 3))
model = keras.Model(frames, layers.TimeDistributed(cnn, trainable=False)(frames))
""",
    "unbuilt_inner_sequential": """
import keras
from keras import layers

encoder = keras.Sequential([layers.Conv1D(4, 3), layers.GlobalMaxPooling1D()])
seq = keras.Input((5, 12, 2))
model = keras.Model(seq, layers.Dense(2)(layers.Flatten()(layers.TimeDistributed(encoder)(seq))))
""",
}


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_a_model_applied_to_each_time_step_matches_keras(tmp_path: Path, text: str) -> None:
    report = keras_oracle.agrees(tmp_path, text)
    distributed = [r for r in report.rows if r.type == "TimeDistributed"]
    assert len(distributed) == 1 and distributed[0].depth == 0
    inner = [r for r in report.rows if r.parent == distributed[0].name]
    assert inner and sum(r.params for r in inner if r.depth == 1) == distributed[0].params
    assert report.warnings == ()


def test_its_products_are_the_models_on_every_step(tmp_path: Path) -> None:
    report = keras_oracle.agrees(tmp_path, CASES["functional_video_model"])
    row = next(r for r in report.rows if r.type == "TimeDistributed")
    conv, dense = (next(r for r in report.rows if r.parent == row.name and r.type == t) for t in ("Conv2D", "Dense"))
    # per step: Conv2D 14·14·(3·3·3)·4, Dense 196·4·8 (one example); 6 steps
    assert row.macs == 6 * (conv.macs + dense.macs)
    assert str(conv.macs) == str(14 * 14 * 27 * 4) + "*batch"


def test_a_model_without_a_time_axis_is_refused(tmp_path: Path) -> None:
    import paramwise

    path = tmp_path / "m.py"
    path.write_text(CNN + """
flat = keras.Input((16,))
model = keras.Model(flat, layers.TimeDistributed(cnn)(flat))
""")
    with pytest.raises(paramwise.ParamwiseError, match="time") as caught:
        paramwise.read(str(path))
    assert caught.value.location is not None and caught.value.location.line == 14


SUBCLASSED = """
import keras
from keras import layers


class Encoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(6)

    def call(self, x):
        return self.d(x)
{extra}

frames = keras.Input((5, 3))
model = keras.Model(frames, layers.TimeDistributed(Encoder())(frames))
"""


def test_a_subclassed_model_without_compute_output_shape_is_refused_as_keras_refuses_it(tmp_path: Path) -> None:
    import paramwise

    path = tmp_path / "m.py"
    path.write_text(SUBCLASSED.format(extra=""))
    with pytest.raises(NotImplementedError, match="compute_output_shape"):
        keras_oracle.build(path)
    with pytest.raises(paramwise.ParamwiseError, match="compute_output_shape") as caught:
        paramwise.read(str(path))
    assert caught.value.location is not None and caught.value.location.line == 16


def test_a_subclassed_model_without_build_is_counted_once_run_with_a_warning(tmp_path: Path) -> None:
    # Keras builds it with the default build(), which builds none of its layers: count_params() leaves them out
    import paramwise

    path = tmp_path / "m.py"
    path.write_text(SUBCLASSED.format(extra="\n    def compute_output_shape(self, shape):\n        return (shape[0], 6)\n"))
    keras_count = keras_oracle.build(path).count_params()
    report = paramwise.read(str(path))
    assert report.total > keras_count
    assert [w.code for w in report.warnings] == ["unbuilt_layers"]
    assert "counts none of their weights until the model is first run" in report.warnings[0].message


@pytest.mark.parametrize("suffix", [".json", ".keras", ".h5"])
def test_the_files_keras_saves_read_the_same(tmp_path: Path, suffix: str) -> None:
    # the file readers read TimeDistributed's nested model config too (its output was taken for its input)
    import paramwise

    source = tmp_path / "m.py"
    source.write_text(CASES["functional_video_model"])
    model = keras_oracle.build(source)
    path = tmp_path / f"saved{suffix}"
    if suffix == ".json":
        path.write_text(model.to_json())
    else:
        model.save(path)
    report = paramwise.read(str(path))
    from_source = paramwise.read(str(source))
    assert report.total == model.count_params() == from_source.total
    assert [(r.name, r.params, r.output_shape) for r in report.rows if r.depth == 0] == [
        (layer.name, layer.count_params(), tuple(layer.output.shape)) for layer in model.layers]
    assert report.warnings == ()


def test_a_model_on_each_step_and_called_directly_counts_once(tmp_path: Path) -> None:
    report = keras_oracle.agrees(tmp_path, CNN + """
frames = keras.Input((6, 16, 16, 3))
still = keras.Input((16, 16, 3))
model = keras.Model([frames, still], [layers.TimeDistributed(cnn)(frames), cnn(still)])
""")
    assert {w.code for w in report.warnings} == {"shared_layer"}
    assert report.total < sum(r.params for r in report.rows if r.depth == 0)
