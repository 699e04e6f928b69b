"""tf.keras 2.x oracle: build models with tf-keras (the Keras 2 API on TensorFlow), write them, record Keras' figures.

Runs under a Python that has `tensorflow-cpu` and `tf-keras` (not the test environment, whose h5py they would
downgrade): `python tests/tf_keras2_oracle.py OUT_DIR`. For every model it writes OUT_DIR/<name>.json (`to_json()`
text, the 2.x format: inbound nodes as [layer, node, tensor, kwargs] lists, batch_input_shape, TFOpLambda layers
for TensorFlow functions) and, for the hand-built models, OUT_DIR/<name>.h5 (a legacy full-model file), then
OUT_DIR/manifest.json: {name: {"files": [...], "figures": <keras_oracle.figures(model)>}}.
tests/frontends/files/test_tf_keras2.py reads the files with paramwise and compares with those figures."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

from keras_oracle import figures  # noqa: E402  (this folder is on sys.path: it holds the script)

layers = tf_keras.layers
APPLICATIONS = ["NASNetMobile", "NASNetLarge", "MobileNetV3Small", "ConvNeXtTiny", "InceptionResNetV2"]


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


def batchnorm_list_axis() -> Any:
    """BatchNormalization over two axes: the 2.x file stores `axis` as a list."""
    x_in = tf_keras.Input((4, 6, 3), name="image")
    x = layers.BatchNormalization(axis=[1, 3])(x_in)
    return tf_keras.Model(x_in, layers.Dense(2)(layers.Flatten()(x)), name="batchnorm_list_axis")


MODELS: dict[str, Callable[[], Any]] = {
    "attention_scores": attention_scores,
    "batchnorm_list_axis": batchnorm_list_axis,
    "functional_graph": functional_graph,
    "sequence_model": sequence_model,
    "sequential_cnn": sequential_cnn,
    "sequential_with_input_layer": sequential_with_input_layer,
}


def application(name: str) -> Callable[[], Any]:
    return lambda: getattr(tf_keras.applications, name)(weights=None)


def write(model: Any, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if path.suffix == ".json":
            path.write_text(model.to_json())
        else:
            model.save(path)


def record(key: str, builder: Callable[[], Any], formats: list[str], folder: Path) -> dict[str, Any]:
    """Build one model, write it in each format, and return its manifest entry."""
    tf_keras.backend.clear_session()
    model = builder()
    files = []
    for fmt in formats:
        path = folder / f"{key}.{fmt}"
        write(model, path)
        files.append(path.name)
    return {"files": files, "figures": figures(model), "versions": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__}}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/tf_keras2_oracle.py OUT_DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {key: record(key, builder, ["json", "h5"], folder) for key, builder in MODELS.items()}
    for name in APPLICATIONS:
        manifest[name] = record(name, application(name), ["json"], folder)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
