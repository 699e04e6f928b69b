"""Rows whose names repeat. In Keras a nested model's rows may bear the names of the outer model's layers (an input
shared by the outer and the nested model, or a layer named "head" in both), and Keras 3 keeps `name=""` as a
name, which several layers of a subclassed model may share. In PyTorch a module held twice (`self.bn` and again
inside `self.block`) has its tensors counted where first named. Each is checked against the framework itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import check_invariants

pytest.importorskip("keras")
import keras_oracle  # noqa: E402

NESTED_HEAD = """
import keras
from keras import layers

inner_in = keras.Input((4,))
inner = keras.Model(inner_in, layers.Dense(3, name="head")(inner_in), name="inner")
x_in = keras.Input((4,))
out = layers.Dense(5, name="head")(inner(x_in))
model = keras.Model(x_in, out, name="outer")
"""


def test_a_nested_layer_named_as_an_outer_one_keeps_both_rows(tmp_path: Path) -> None:
    # the walk's products were keyed by name: the outer "head" row took the nested one's place, and was counted
    # twice at the top (55 where Keras says 35), with no warning
    report = keras_oracle.agrees(tmp_path, NESTED_HEAD)
    assert report.total == 35
    rows = [(r.name, r.depth, r.parent, r.params) for r in report.rows]
    assert rows == [("input_layer_1", 0, None, 0), ("inner", 0, None, 15), ("input_layer", 1, "inner", 0),
                    ("head", 1, "inner", 15), ("head", 0, None, 20)]
    # each "head" row keeps its own products: the nested one's from the nested walk, the outer one's from its layer
    assert [str(r.macs) for r in report.rows if r.name == "head"] == ["12*batch", "15*batch"]
    assert str(report.macs) == "27*batch"


SHARED_INPUT = """
from keras.layers import Input, Conv2D
from keras.models import Model

image = Input(shape=(8, 8, 1))
encoded = Conv2D(4, 3, padding="same")(image)
encoder = Model(image, encoded, name="encoder")
code = Input(shape=(8, 8, 4))
decoder = Model(code, Conv2D(1, 3, padding="same")(code), name="decoder")
model = Model(image, decoder(encoder(image)), name="autoencoder")
"""


def test_an_input_shared_by_the_outer_and_a_nested_model_is_listed_at_the_top(tmp_path: Path) -> None:
    report = keras_oracle.agrees(tmp_path, SHARED_INPUT)
    top = [r.name for r in report.rows if r.depth == 0]
    assert top == ["input_layer", "encoder", "decoder"]


EMPTY_NAMES = """
import keras
from keras import layers


class Block(keras.Model):
    def __init__(self, filters):
        super().__init__(name="")
        self.conv = layers.Conv2D(filters, 3, padding="same")
        self.add = layers.Add()

    def call(self, x):
        return self.add([self.conv(x), x])


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.stem = layers.Conv2D(8, 3, padding="same")
        self.a = Block(8)
        self.b = Block(8)
        self.head = layers.Dense(2, name="")

    def call(self, x):
        return self.head(self.b(self.a(self.stem(x))))


model = Net()
model(keras.Input((6, 6, 3)))
"""


def test_an_empty_name_is_kept_as_keras_3_keeps_it(tmp_path: Path) -> None:
    report = keras_oracle.agrees(tmp_path, EMPTY_NAMES)
    assert [r.name for r in report.rows if r.depth == 0] == ["conv2d", "", "", ""]


def test_an_empty_name_takes_no_number_from_the_counter(tmp_path: Path) -> None:
    text = """
import keras
from keras import layers

inputs = keras.Input((4,))
x = layers.Dense(3, name="")(inputs)
x = layers.Dense(5)(x)
model = keras.Model(inputs, layers.Dense(2)(x))
"""
    report = keras_oracle.agrees(tmp_path, text)
    assert [r.name for r in report.rows] == ["input_layer", "", "dense", "dense_1"]
    with pytest.raises(ValueError, match="used 2 times"):  # "" is a name: Keras refuses it twice in one model
        keras_oracle.build(_write(tmp_path, text.replace("layers.Dense(5)", 'layers.Dense(5, name="")')))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.py"
    path.write_text(text)
    return path


SHARED_BATCHNORM = """
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(8)
        self.conv1 = nn.Sequential(nn.Conv2d(3, 8, 1, bias=False), self.bn1, nn.ReLU())
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(self.conv1(x).mean((2, 3)))


model = Net()
"""


def test_a_module_held_twice_counts_its_buffers_where_first_named(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    import torch_oracle

    path = _write(tmp_path, SHARED_BATCHNORM)
    report = paramwise.read(str(path))
    check_invariants(report)
    assert torch_oracle.compare(report, torch_oracle.build(path)["model"]) == []
    rows = {r.name: (r.params, r.buffers or 0) for r in report.rows}
    assert rows["bn1"] == (16, 17) and rows["conv1"] == (24, 0)


@pytest.mark.parametrize("model", [
    'keras.Sequential([keras.Input((4,)), layers.Dense(3, name="x"), layers.Dense(2, name="x")])',
    'keras.Model(inputs, layers.Dense(2, name="x")(layers.Dense(3, name="x")(inputs)))',
    'keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)), name="m")',
], ids=["sequential", "functional", "unique"])
def test_two_layers_of_one_name_in_one_model_are_refused_as_keras_refuses_them(tmp_path: Path, model: str) -> None:
    text = f"""
import keras
from keras import layers

inputs = keras.Input((4,), name="inputs")
model = {model}
"""
    path = _write(tmp_path, text)
    try:
        keras_oracle.build(path)
    except ValueError as e:
        refused: str | None = str(e)
    else:
        refused = None
    if refused is None:
        assert paramwise.read(str(path)).total == 23
        return
    assert "unique" in refused
    with pytest.raises(paramwise.ParamwiseError, match="two layers named 'x'") as caught:
        paramwise.read(str(path))
    assert caught.value.location is not None and caught.value.location.line == 6


SHARED_IN_TWO_MODELS = """
import keras
from keras import layers

shared = layers.Dense(4, name="shared")
a = keras.Input((4,))
m1 = keras.Model(a, shared(a), name="m1")
b = keras.Input((4,))
m2 = keras.Model(b, layers.Dense(2)(shared(b)), name="m2")
x = keras.Input((4,))
model = keras.Model(x, m2(m1(x)), name="outer")
"""

SHARED_WITH_THE_OUTER_MODEL = """
import keras
from keras import layers

shared = layers.Dense(4, name="shared")
a = keras.Input((4,))
inner = keras.Model(a, shared(a), name="inner")
x = keras.Input((4,))
model = keras.Model(x, shared(inner(x)), name="outer")
"""

SHARED_THROUGH_A_SHARED_MODEL = """
import keras
from keras import layers

d = layers.Dense(4, name="shared")
a = keras.Input((4,))
enc = keras.Model(a, d(a), name="enc")
b = keras.Input((4,))
m1 = keras.Model(b, enc(b), name="m1")
c = keras.Input((4,))
m2 = keras.Model(c, layers.Dense(4)(enc(c)), name="m2")
x = keras.Input((4,))
frozen = layers.Dense(4, name="frozen", trainable=False)
model = keras.Model(x, frozen(m2(m1(frozen(x)))), name="outer")
"""


@pytest.mark.parametrize("text", [SHARED_IN_TWO_MODELS, SHARED_WITH_THE_OUTER_MODEL, SHARED_THROUGH_A_SHARED_MODEL],
                         ids=["two_nested_models", "nested_and_outer", "through_a_shared_model"])
def test_a_layer_in_two_models_counts_once_in_the_total(tmp_path: Path, text: str) -> None:
    # each model's row counts the shared layer, as Keras' summary does, but the total counted it in each (50 for
    # Keras' 30, 40 for its 20), with no warning
    report = keras_oracle.agrees(tmp_path, text)
    rows = [r for r in report.rows if r.depth == 0]
    assert report.total < sum(r.params for r in rows)
    assert [w.code for w in report.warnings] == ["shared_layer"]
    assert "counted once" in report.warnings[0].message
    assert report.total_bytes == 4 * report.total


def test_layers_that_only_look_alike_are_not_shared(tmp_path: Path) -> None:
    text = SHARED_IN_TWO_MODELS.replace("m2 = keras.Model(b, layers.Dense(2)(shared(b))",
                                        'm2 = keras.Model(b, layers.Dense(2)(layers.Dense(4, name="other")(b))')
    report = keras_oracle.agrees(tmp_path, text)
    assert report.total == sum(r.params for r in report.rows if r.depth == 0) == 20 + 30
    assert report.warnings == ()


@pytest.mark.parametrize("second, keras_says", [
    ("layers.Dense(4)", "refuses"),  # built on 3 features, called on 5: Keras' input spec refuses the call
    ("layers.Conv1D(2, 3)", "refuses"),
    ("layers.LayerNormalization()", "fails when run"),  # Keras builds it (count 6) and its first run fails
    ("layers.Embedding(10, 4)", "reads"),  # its weights do not depend on the input
    ("layers.Dropout(0.5)", "reads"),
], ids=["dense", "conv1d", "layer_norm", "embedding", "dropout"])
def test_a_layer_called_again_on_inputs_its_weights_do_not_fit(tmp_path: Path, second: str, keras_says: str) -> None:
    # paramwise counted the first call's weights and answered where Keras refuses the second call
    text = f"""
import keras
from keras import layers

shared = {second}
a = keras.Input((6, 3))
b = keras.Input((6, 5))
model = keras.Model([a, b], [shared(a), shared(b)])
"""
    path = _write(tmp_path, text)
    import numpy as np

    try:
        model = keras_oracle.build(path)
    except (ValueError, RuntimeError):
        said = "refuses"
    else:
        try:
            model([np.zeros((1, 6, 3)), np.zeros((1, 6, 5))])
        except (ValueError, RuntimeError):
            said = "fails when run"
        else:
            said = "reads"
    assert said == keras_says
    if said == "reads":
        keras_oracle.agrees(tmp_path, text)
        return
    with pytest.raises(paramwise.ParamwiseError, match="was built by its first call, on \\(None, 6, 3\\), and is "
                                                       "called again on \\(None, 6, 5\\)") as caught:
        paramwise.read(str(path))
    assert caught.value.location is not None and caught.value.location.line == 8


def test_a_layer_called_again_on_other_lengths_is_read(tmp_path: Path) -> None:
    # the same weights fit both calls: a shared encoder over sequences of two lengths, a conv on two image sizes
    text = """
import keras
from keras import layers

encoder = layers.LSTM(8)
conv = layers.Conv2D(4, 3)
a = keras.Input((10, 3))
b = keras.Input((20, 3))
c = keras.Input((16, 16, 2))
d = keras.Input((32, 32, 2))
model = keras.Model([a, b, c, d], [encoder(a), encoder(b), conv(c), conv(d)])
"""
    report = keras_oracle.agrees(tmp_path, text)
    assert report.warnings == ()


WRAPPED = {
    # TimeDistributed holds the layer object itself: d used again is the same weights (the total said 32, Keras 16)
    "time_distributed_and_the_layer": ("d = layers.Dense(4)\n"
                                       "model = keras.Model([a, b], [layers.TimeDistributed(d)(a), d(b)])\n", 1),
    "two_time_distributed": ("d = layers.Dense(4)\n"
                             "model = keras.Model(a, [layers.TimeDistributed(d)(a), layers.TimeDistributed(d)(a)])\n", 1),
    # RNN(cell): the cell holds the weights (the total said 256, Keras 128)
    "one_cell_in_two_rnns": ("cell = layers.LSTMCell(4)\n"
                             "model = keras.Model(a, [layers.RNN(cell)(a), layers.RNN(cell)(a)])\n", 1),
    # Bidirectional makes its own copies of the layer: nothing shared
    "bidirectional_copies_its_layer": ("lstm = layers.LSTM(4, return_sequences=True)\n"
                                       "model = keras.Model(a, [layers.Bidirectional(lstm)(a), lstm(a)])\n", 0),
}


@pytest.mark.parametrize("case", list(WRAPPED.values()), ids=list(WRAPPED))
def test_a_layer_held_by_a_wrapper_and_used_again_counts_once(tmp_path: Path, case: tuple[str, int]) -> None:
    body, shared = case
    text = f"""
import keras
from keras import layers

a = keras.Input((5, 3))
b = keras.Input((3,))
{body}"""
    report = keras_oracle.agrees(tmp_path, text)
    assert [w.code for w in report.warnings] == ["shared_layer"] * shared
    assert (report.total < sum(r.params for r in report.rows if r.depth == 0)) == bool(shared)
