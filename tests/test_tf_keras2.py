"""tf.keras 2.x as the oracle: models built with tf-keras (the Keras 2 API on TensorFlow), written as
`to_json()` text (the 2.x format: inbound nodes as [layer, node, tensor, kwargs] lists, batch_input_shape,
TFOpLambda layers for TensorFlow functions) and as legacy full-model .h5 files, then read by paramwise and
compared with the model (total, trainable, every layer's count, weight shapes and output shape).

Needs `pip install tensorflow-cpu tf-keras`; skipped when they are not installed."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow", reason="tensorflow is not installed (pip install tensorflow-cpu tf-keras)")
tf_keras = pytest.importorskip("tf_keras", reason="tf-keras is not installed (pip install tensorflow-cpu tf-keras)")
from keras_oracle import compare  # noqa: E402

layers = tf_keras.layers


def write(model: Any, folder: Path, fmt: str) -> Path:
    path = folder / f"{model.name}.{fmt}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "json":
            path.write_text(model.to_json())
        else:
            model.save(path)
    return path


def functional_graph() -> Any:
    """Shared layer, nested Sequential and nested functional model (node 0 is its own), TF functions."""
    f_in = tf_keras.Input((8,))
    fun = tf_keras.Model(f_in, layers.Dense(8, name="fun_dense")(f_in), name="fun")
    inner = tf_keras.Sequential([layers.Dense(4, input_shape=(8,)), layers.BatchNormalization()], name="inner")
    a, b = tf_keras.Input((8,), name="a"), tf_keras.Input((8,), name="b")
    shared = layers.Dense(8, name="shared")
    x = layers.Add()([shared(a), shared(b)])
    x = fun(fun(x)) * 2.0  # a TFOpLambda layer
    y = inner(tf.nn.relu(x))
    z = layers.Concatenate()([y, layers.Dense(3, name="head")(y)])
    return tf_keras.Model([a, b], [z, y], name="functional_graph")


def sequence_model() -> Any:
    tokens = tf_keras.Input((12,), name="tokens")
    x = layers.Embedding(100, 16)(tokens)
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)  # `value` is a kwargs tensor in 2.x files
    x = layers.LayerNormalization()(x)
    x = layers.TimeDistributed(layers.Dense(5))(x)
    x = layers.GRU(6)(x)
    return tf_keras.Model(tokens, layers.Dense(2)(x), name="sequence_model")


def sequential_cnn() -> Any:
    return tf_keras.Sequential([
        layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),  # batch_input_shape on the first layer
        layers.MaxPooling2D(),
        layers.SeparableConv2D(16, 3),
        layers.DepthwiseConv2D(3, padding="same"),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ], name="sequential_cnn")


def sequential_with_input_layer() -> Any:
    return tf_keras.Sequential([tf_keras.Input((5,)), layers.Dense(4), layers.Dense(1)], name="sequential_with_input")


def attention_scores() -> Any:
    query = tf_keras.Input((4, 8), name="query")
    out, scores = layers.MultiHeadAttention(num_heads=2, key_dim=4)(query, query, return_attention_scores=True)
    return tf_keras.Model(query, [layers.Dense(3)(out), scores], name="attention_scores")


MODELS: dict[str, Callable[[], Any]] = {
    "attention_scores": attention_scores,
    "functional_graph": functional_graph,
    "sequence_model": sequence_model,
    "sequential_cnn": sequential_cnn,
    "sequential_with_input_layer": sequential_with_input_layer,
}


@pytest.mark.parametrize("fmt", ["json", "h5"])
@pytest.mark.parametrize("name", MODELS)
def test_tf_keras_files_match(name: str, fmt: str, tmp_path: Path) -> None:
    tf_keras.backend.clear_session()
    model = MODELS[name]()
    report = paramwise.read(str(write(model, tmp_path, fmt)))
    check_invariants(report)
    assert compare(report, model) == []
    bad = [w for w in report.warnings if w.code in ("unknown_layer", "unreadable_layer", "stored_mismatch")]
    assert bad == []


def test_tf_keras_live_model() -> None:
    tf_keras.backend.clear_session()
    model = functional_graph()
    before = (model.built, len(model.variables), model.optimizer)
    report = paramwise.summary(model)
    assert report.total == model.count_params()
    assert not [w for w in report.warnings if w.code in ("live_mismatch", "stored_mismatch")]
    assert (model.built, len(model.variables), model.optimizer) == before


@pytest.mark.parametrize("name", ["NASNetMobile", "NASNetLarge", "MobileNetV3Small", "ConvNeXtTiny", "InceptionResNetV2"])
def test_tf_keras_applications(name: str, tmp_path: Path) -> None:
    tf_keras.backend.clear_session()
    model = getattr(tf_keras.applications, name)(weights=None)
    report = paramwise.read(str(write(model, tmp_path, "json")))
    check_invariants(report)
    assert compare(report, model) == []
