"""The family-B Keras cases (tests/cases/keras/b_*.py), checked more closely than the shared differential
test: each layer's weights must have Keras' names (the path below the layer), order and trainable flags,
and every row's formula must be the factored one (no fallback to a plain sum)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import build  # noqa: E402

B_CASES = sorted((CASES / "keras").glob("b_*.py"))


def below(path: str, layer_name: str) -> str:
    """`sequential/dense/kernel` -> `kernel` for layer `dense` (a Sequential builds its layers in its scope)."""
    parts = path.split("/")
    return "/".join(parts[parts.index(layer_name) + 1:]) if layer_name in parts else path


def keras_weights(layer: Any) -> list[tuple[str, tuple[int, ...], bool]]:
    return [(below(w.path, layer.name), tuple(w.shape), bool(w.trainable)) for w in layer.weights]


@pytest.mark.parametrize("path", B_CASES, ids=[p.stem for p in B_CASES])
def test_weight_names_order_and_trainable_match_keras(path: Path) -> None:
    report = paramwise.read(str(path))
    model = build(path)
    rows = {r.name: r for r in report.rows if r.depth == 0}
    for layer in model.layers:
        ours = [(w.name, tuple(w.shape), w.trainable) for w in rows[layer.name].weight_objects if not w.is_buffer]
        assert ours == keras_weights(layer), layer.name
        trainable = sum(int(w.count) for w in rows[layer.name].weight_objects if w.trainable and not w.is_buffer)
        assert trainable == sum(math.prod(w.shape) for w in layer.trainable_weights), layer.name


def test_there_are_enough_b_cases() -> None:
    assert len(B_CASES) >= 40


def test_notes_say_where_frameworks_disagree() -> None:
    report = paramwise.read(str(CASES / "keras" / "b_lstm_stack.py"))
    lstm = next(r for r in report.rows if r.type == "LSTM")
    assert "two bias vectors per gate" in lstm.note
    assert lstm.formula == "4*(12 + 64 + 1)*64"


ERRORS = [
    (
        "keras.Sequential([keras.Input((20,)), layers.LSTM(8)])",
        "LSTM 'lstm' expects a 3-D input (batch, seq, d_in); got (None, 20)",
        "add a time axis, e.g. keras.Input((timesteps, 20))",
    ),
    (
        "keras.Model(x := keras.Input((5, 4)), layers.Bidirectional(layers.Dense(3))(x))",
        "Bidirectional: wraps a recurrent layer (LSTM, GRU, SimpleRNN, RNN, ConvLSTM); got Dense",
        "Bidirectional(LSTM(64))",
    ),
    (
        "keras.Model(x := keras.Input((5, 6)), layers.GroupNormalization(groups=4)(x))",
        "the number of channels (6) must be divisible by the number of groups (4)",
        "choose a number of groups",
    ),
    (
        "keras.Model(x := keras.Input((5, 6)), layers.MultiHeadAttention(2, 3)(x, keras.Input((4, 6)), keras.Input((5, 6))))",
        "needs value and key equal on every axis but the last",
        "",
    ),
]


@pytest.mark.parametrize("code, message, hint", ERRORS, ids=["lstm_2d", "bidirectional_dense", "groups", "mha_key"])
def test_errors_name_the_layer_and_the_fix(tmp_path: Path, code: str, message: str, hint: str) -> None:
    path = tmp_path / "model.py"
    path.write_text(f"import keras\nfrom keras import layers\n\nmodel = {code}\n")
    with pytest.raises(paramwise.ParamwiseError) as info:
        paramwise.read(str(path))
    assert message in info.value.message
    assert hint in info.value.hint
    assert info.value.location is not None and info.value.location.line == 4


@pytest.mark.parametrize(
    "query, value, options",
    [
        ((2, 6, 10), (2, 9, 10), {}),
        ((2, 5, 3, 8), (2, 7, 3, 8), {}),
        ((2, 5, 3, 8), (2, 5, 4, 8), {"attention_axes": (2,)}),
        ((2, 5, 3, 8), (2, 7, 3, 8), {"attention_axes": 1, "output_shape": (2, 4)}),
    ],
)
def test_attention_scores_match_a_real_call(query: tuple[int, ...], value: tuple[int, ...], options: dict[str, Any]) -> None:
    """Keras' symbolic scores are (batch, heads, T, T) even for cross-attention; a real call gives (batch, heads, T, S)."""
    import numpy as np
    from keras import layers

    from paramwise import kinds

    layer = layers.MultiHeadAttention(2, 4, **options)
    out, scores = layer(np.zeros(query, "float32"), np.zeros(value, "float32"), return_attention_scores=True)
    kind = kinds.make("keras", "MultiHeadAttention", [2, 4], dict(options))[0]
    kind.attrs["return_attention_scores"] = True
    assert kind.output_shape([query, value]) == [tuple(out.shape), tuple(scores.shape)]
    assert [w.shape for w in kind.weights([query, value])] == [tuple(w.shape) for w in layer.weights]


@pytest.mark.parametrize("path", B_CASES, ids=[p.stem for p in B_CASES])
def test_keras_json_of_the_case_reads_the_same(tmp_path: Path, path: Path) -> None:
    """The model's `to_json()` (nested layer configs: Bidirectional, TimeDistributed, RNN cells) reads the same."""
    from keras_oracle import compare

    model = build(path)
    saved = tmp_path / f"{path.stem}.json"
    saved.write_text(model.to_json())
    assert compare(paramwise.read(str(saved)), model) == []
