"""What the mutation fuzzer found, each as a small hand-written input: a clear error (exit 2, the message, where)
or the right answer, never exit 4, never a hang. See tests/test_fuzz.py and benchmarks/fuzz.py."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from paramwise.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    text = out.err + out.out
    assert "internal error" not in text and "Traceback" not in text, text
    return code, text


def refused(capsys: pytest.CaptureFixture[str], path: Path, *words: str) -> str:
    code, text = run(capsys, str(path))
    assert code == 2, text
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    return text


def total_of(capsys: pytest.CaptureFixture[str], path: Path) -> int:
    code, text = run(capsys, str(path), "--format", "json")
    assert code == 0, text
    return int(json.loads(text)["total"])


# -- Keras source: a name is text -------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    'keras.Sequential([layers.Dense(2, input_shape=(4,))], name=lambda: 0)',
    'keras.Sequential([layers.Dense(2, input_shape=(4,), name=[1, 2])])',
    'keras.Model(inp, layers.Dense(2)(inp), name=3.5)',
])
def test_a_name_that_is_not_text_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], call: str) -> None:
    path = tmp_path / "model.py"
    path.write_text(f"import keras\nfrom keras import layers\ninp = keras.Input((4,))\nmodel = {call}\n")
    text = refused(capsys, path, "name= must be a string", "model.py:4:")
    assert "hint:" in text


def test_an_input_no_output_uses_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Keras accepts Model([a, b], f(b)): `a` is an input with no use (the fuzzer's KeyError: 0)."""
    keras = pytest.importorskip("keras")
    a, b = keras.Input((4,)), keras.Input((3,))
    expected = keras.Model([a, b], keras.layers.Dense(2)(b)).count_params()
    path = tmp_path / "model.py"
    path.write_text("import keras\nfrom keras import layers\na = keras.Input((4,))\nb = keras.Input((3,))\n"
                    "model = keras.Model([a, b], layers.Dense(2)(b))\n")
    assert total_of(capsys, path) == expected


# -- Keras JSON / .h5 configurations ----------------------------------------------------------------------


def functional(history: Any = ("in_0", 0, 0), outputs: Any = (("dense_0", 0, 0),)) -> dict[str, Any]:
    """A Keras 3 functional model: an InputLayer and a Dense(3) called on it, the call's reference given."""
    return {"module": "keras", "class_name": "Functional", "name": "m", "keras_version": "3.6.0", "config": {
        "name": "m", "trainable": True, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "name": "in_0",
             "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "in_0"}, "inbound_nodes": []},
            {"module": "keras.layers", "class_name": "Dense", "name": "dense_0",
             "config": {"name": "dense_0", "trainable": True, "units": 3, "use_bias": True,
                        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                               "config": {"seed": None}}},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
                 "shape": [None, 4], "dtype": "float32", "keras_history": list(history)}}], "kwargs": {}}]},
        ],
        "input_layers": [["in_0", 0, 0]], "output_layers": [list(o) for o in outputs]}}


def write(tmp: Path, data: Any, name: str = "model.json") -> Path:
    path = tmp / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.mark.parametrize("class_name", [[[["x"]]], {"a": 1}])
def test_a_class_name_that_is_not_text_inside_a_config(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       class_name: Any) -> None:
    """An initializer whose class_name is a list or an object: plain data; the count is unchanged."""
    clean = total_of(capsys, write(tmp_path, functional(), "clean.json"))
    model = functional()
    model["config"]["layers"][1]["config"]["kernel_initializer"]["class_name"] = class_name
    assert total_of(capsys, write(tmp_path, model)) == clean


@pytest.mark.parametrize(("index", "words"), [
    ("3.5", ["output 3.5", "whole number"]),
    ("Infinity", ["output Infinity", "whole number"]),
    ("-1", ["output -1"]),
    ("1" + "0" * 30, ["whole number"]),
    ("true", ["output true"]),
])
def test_an_output_index_that_is_not_a_whole_number(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    index: str, words: list[str]) -> None:
    text = json.dumps(functional(history=("in_0", 0, 12345))).replace("12345", index)
    refused(capsys, write(tmp_path, text), "config.layers[1].inbound_nodes[0]", *words)


def test_a_call_index_that_is_infinity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(functional(history=("in_0", 12345, 0))).replace("12345", "Infinity")
    refused(capsys, write(tmp_path, text), "config.layers[1].inbound_nodes[0]", "call Infinity")


def test_an_output_the_layer_does_not_produce(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Output 16 of an InputLayer: the graph is built, the walk finds no such tensor; an error at the call."""
    refused(capsys, write(tmp_path, functional(history=("in_0", 0, 16))),
            "config.layers[1].inbound_nodes[0]", "output 16", "InputLayer 'in_0'", "produces 1 output")


def test_a_model_output_the_layer_does_not_produce(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, write(tmp_path, functional(outputs=(("dense_0", 0, 7),))), "output 7", "Dense 'dense_0'")


def test_an_output_layers_index_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(functional(outputs=(("dense_0", 0, 12345),))).replace("12345", "1" + "0" * 30)
    refused(capsys, write(tmp_path, text), "config.output_layers", "whole number")


def test_a_tf_keras_node_with_a_float_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """tf.keras 2.x nodes: [[layer, node, tensor, kwargs]]."""
    model = functional()
    model["config"]["layers"][1]["inbound_nodes"] = [[["in_0", 0.5, 0, {}]]]
    refused(capsys, write(tmp_path, model), "config.layers[1].inbound_nodes[0]", "call 0.5")


def test_the_h5_reader_checks_references_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(functional(history=("in_0", 0, 16)))
    refused(capsys, path, "config.layers[1].inbound_nodes[0]", "output 16")


# -- checkpoints --------------------------------------------------------------------------------------------


def safetensors_bytes(header: dict[str, Any], data: int) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * data


def test_a_shard_name_the_filesystem_cannot_encode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lone surrogate (`\\ud800`) in a shard name: refused with the tensor that names it."""
    (tmp_path / "model.safetensors.index.json").write_text('{"weight_map": {"w": "\\ud800x.safetensors"}}')
    refused(capsys, tmp_path / "model.safetensors.index.json", "weight_map.w", "not a file name this system can encode", "\\ud800x")


def test_a_100000_tensor_header_answers_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """100,000 modules of one tensor each (issue 16): the count, and an explanation that is not 100,000 terms long.
    How long it takes is a figure of benchmarks/speed.py (its checkpoint group), not a timed test."""
    n = 100_000
    header = {f"layer.{i}.weight": {"dtype": "F32", "shape": [16], "data_offsets": [64 * i, 64 * i + 64]}
              for i in range(n)}
    path = tmp_path / "big.safetensors"
    path.write_bytes(safetensors_bytes(header, 64 * n))
    expected = sum(entry["shape"][0] for entry in header.values())
    code, text = run(capsys, str(path))
    assert code == 0, text
    assert f"Total params: {expected:,}" in text, text[-500:]
    assert "sum of its 100,000 modules" in text and "more" in text  # the explanation is not 100,000 terms long


STACKS: dict[str, Any] = {
    "nn.LSTM(8, 16, num_layers=depth)": lambda nn, depth: nn.LSTM(8, 16, num_layers=depth),
    "nn.GRU(8, 16, num_layers=depth, bidirectional=True)":
        lambda nn, depth: nn.GRU(8, 16, num_layers=depth, bidirectional=True),
    "nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32), num_layers=depth)":
        lambda nn, depth: nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32), num_layers=depth),
}


@pytest.mark.parametrize("module", list(STACKS))
def test_an_unknown_number_of_stacked_layers_is_a_formula(module: str, tmp_path: Path) -> None:
    """`num_layers=depth` with depth undefined: the total is a formula in depth that torch agrees with."""
    torch = pytest.importorskip("torch")
    import subprocess
    import sys

    source = tmp_path / "m.py"
    source.write_text("import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                      f"        self.m = {module}\n")
    for depth in (1, 2, 3):
        expected = sum(p.numel() for p in STACKS[module](torch.nn, depth).parameters())
        out = subprocess.run([sys.executable, "-m", "paramwise", str(source), "--set", f"depth={depth}", "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        assert json.loads(out)["total"] == expected
    out = subprocess.run([sys.executable, "-m", "paramwise", str(source), "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0 and "depth" in json.loads(out.stdout)["total"]


def test_prelu_shared_axes_must_be_axes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.py"
    model.write_text("from keras import layers, Sequential\nm = Sequential([layers.Input((4, 4, 2)), layers.PReLU(shared_axes=[1, 3.5])])\n")
    assert main([str(model)]) == 2
    assert "'shared_axes' must be an axis ≥ 1 or a tuple of them, or None; got [1, 3.5]" in capsys.readouterr().err


def test_an_onnx_initializer_of_a_data_type_onnx_does_not_define(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    weight = helper.make_tensor("fc.weight", TensorProto.FLOAT, [2, 3], [0.0] * 6)
    weight.data_type = 103  # no TensorProto.DataType: the fuzzer's mutation (once exit 4, a KeyError in onnx.helper)
    node = helper.make_node("MatMul", ["x", "fc.weight"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [weight])
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    assert 103 not in onnx.TensorProto.DataType.values()
    refused(capsys, path, "initializer 'fc.weight' has data type 103, which ONNX", "does not define", "m.onnx")


# -- values a kind cannot take, that the fuzzer found reaching arithmetic (exit 4); Keras refuses each ---------


@pytest.mark.parametrize(("layer", "field"), [
    ("layers.Concatenate(axis=None)([x, x])", "'axis' must be an axis (a whole number); got None"),
    ("layers.SeparableConv2D(4, 3, strides=None)(x)", "'strides' must be a whole number ≥ 1 or a tuple of them; got None"),
    ("layers.Conv2D(4, 3, strides=None)(x)", "'strides' must be a whole number ≥ 1 or a tuple of them; got None"),
    ("layers.UpSampling2D(size=None)(x)", "'size' must be a whole number ≥ 1 or a tuple of them; got None"),
    ("layers.MultiHeadAttention(2, 4, output_shape=float('inf'))(s, s)", "'output_shape' must be None, a whole number"),
    ("layers.MultiHeadAttention(2, 4, output_shape=((None,),))(s, s)", "'output_shape' must be None, a whole number"),
    ("layers.LayerNormalization(axis=None)(s)", "'axis' must be an axis (a whole number) or a list of them; got None"),
    ("layers.LayerNormalization(axis=[1, None])(s)", "'axis' must be an axis (a whole number) or a tuple of them"),
    ("layers.RMSNormalization(axis=None)(s)", "'axis' must be an axis (a whole number) or a list of them; got None"),
    ("layers.GroupNormalization(groups=1, axis=None)(s)", "'axis' must be an axis (a whole number) or a list of them"),
    ("layers.UnitNormalization(axis=None)(s)", "'axis' must be an axis (a whole number) or a list of them; got None"),
])
def test_a_value_keras_refuses_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str], layer: str,
                                                  field: str) -> None:
    model = tmp_path / "m.py"
    model.write_text("import keras\nfrom keras import layers\nx = keras.Input((8, 8, 3))\ns = keras.Input((5, 16))\n"
                     f"y = {layer}\nmodel = keras.Model([x, s], y)\n")
    refused(capsys, model, field, "m.py:5:")


def test_a_stored_config_with_a_value_keras_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layer = {"class_name": "UpSampling2D", "name": "up", "config": {"name": "up", "size": None}, "inbound_nodes": []}
    config = {"class_name": "Sequential", "config": {"name": "m", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 8, 3], "name": "in"}}, layer]}}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    refused(capsys, path, "config.layers[1].config.size", "'size' must be a whole number ≥ 1")


def test_attention_on_an_input_without_a_feature_axis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """keras.Input(()) into MultiHeadAttention: Keras refuses it; the keras_archive fuzz run found it as exit 4."""
    model = tmp_path / "m.py"
    model.write_text("import keras\nfrom keras import layers\nx = keras.Input(())\n"
                     "y = layers.MultiHeadAttention(2, 4)(x, x)\nmodel = keras.Model(x, y)\n")
    refused(capsys, model, "needs inputs with a feature axis", "m.py:4:")


def test_groups_given_by_an_unknown_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A depthwise convolution whose groups is an undefined name (the fuzzer's TypeError: truth value of h > 1):
    the count is a formula in h, equal to PyTorch's at any h."""
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.py"
    path.write_text("import torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self):\n"
                    "        super().__init__()\n        self.dw = nn.Conv2d(h, h, 3, padding=1, groups=h)\n"
                    "        self.up = nn.ConvTranspose2d(h, h, 3, groups=h)\n\nmodel = Block()\n")
    code, text = run(capsys, str(path), "--format", "json")
    assert code == 0, text
    assert json.loads(text[text.index("{"):])["total"] == "20*h"
    for h in (1, 6, 32):
        expected = sum(p.numel() for m in (torch.nn.Conv2d(h, h, 3, padding=1, groups=h),
                                           torch.nn.ConvTranspose2d(h, h, 3, groups=h)) for p in m.parameters())
        code, text = run(capsys, str(path), "--set", f"h={h}", "--format", "json")
        assert code == 0 and int(json.loads(text[text.index("{"):])["total"]) == expected, text


@pytest.mark.parametrize("module, torch_call, words", [
    ("nn.LayerNorm('abc')", "lambda nn, x: nn.LayerNorm('abc')", ["normalized_shape", "'abc'"]),
    ("nn.LayerNorm(len)", "lambda nn, x: nn.LayerNorm(len)", ["normalized_shape", "built-in len"]),
    ("nn.RMSNorm(2.5)", "lambda nn, x: nn.RMSNorm(2.5)", ["normalized_shape", "2.5"]),
    ("nn.ConstantPad1d((2, (-1, 3)), 0.0)", "lambda nn, x: nn.ConstantPad1d((2, (-1, 3)), 0.0)(x)", ["padding", "(2, (-1, 3))"]),
    ("nn.ZeroPad1d((1, 2.5))", "lambda nn, x: nn.ZeroPad1d((1, 2.5))(x)", ["padding", "(1, 2.5)"]),
])
def test_a_size_that_is_not_a_whole_number_is_refused_as_torch_refuses_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], module: str, torch_call: str, words: list[str]) -> None:
    """Values the fuzzer put where PyTorch takes sizes (TypeErrors inside the formula, exit 4): refused by name."""
    torch = pytest.importorskip("torch")
    make = eval(torch_call)  # noqa: S307 - the test's own text, never an input
    with pytest.raises((TypeError, RuntimeError)):
        make(torch.nn, torch.zeros(1, 2, 8))
    path = tmp_path / "model.py"
    path.write_text(f"import torch.nn as nn\n\nmodel = nn.Sequential(\n    {module},\n)\n")
    code, text = run(capsys, str(path), "--input-shape", "1,2,8")
    assert code == 2, text
    assert "model.py:4:5: error:" in text, text
    for word in words:
        assert word in text, (word, text)


def test_a_class_that_is_not_a_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--class naming a class that is not an nn.Module (the fuzzer's AssertionError in build_graph)."""
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.py"
    path.write_text("import torch.nn as nn\n\n\nclass Config:\n    hidden = 3\n\n\n"
                    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.fc = nn.Linear(Config.hidden, 2)\n")
    code, text = run(capsys, str(path), "--class", "Config")
    assert code == 2, text
    assert "model.py:4:1: error: 'Config' is not a PyTorch module" in text and "--class" in text, text
    code, text = run(capsys, str(path), "--format", "json")  # without --class: the module class the file defines
    assert code == 0 and json.loads(text)["total"] == sum(p.numel() for p in torch.nn.Linear(3, 2).parameters()), text


@pytest.mark.parametrize("argument, value", [("head_dim", "[3]"), ("head_dim", "0"), ("num_query_heads", "2.5"),
                                             ("num_key_value_heads", "'two'")])
def test_grouped_query_attention_sizes_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], argument: str,
                                                   value: str) -> None:
    """GroupQueryAttention's sizes (the fuzzer's TypeError: int + list inside the formula), refused as Keras refuses them."""
    keras = pytest.importorskip("keras")
    sizes = {"head_dim": "4", "num_query_heads": "6", "num_key_value_heads": "3", argument: value}
    call = ", ".join(f"{k}={v}" for k, v in sizes.items())
    q, v = keras.Input((4, 8)), keras.Input((4, 8))
    with pytest.raises(Exception):  # noqa: B017 - Keras raises TypeError, ZeroDivisionError or ValueError
        keras.layers.GroupQueryAttention(**{k: eval(v) for k, v in sizes.items()})(q, v)  # noqa: S307 - the test's own text
    path = tmp_path / "model.py"
    path.write_text("import keras\nfrom keras import layers\nq = keras.Input((4, 8))\nv = keras.Input((4, 8))\n"
                    f"model = keras.Model([q, v], layers.GroupQueryAttention({call})(q, v))\n")
    text = refused(capsys, path, f"'{argument}' must be a whole number", "model.py:5:")
    assert "hint:" in text


@pytest.mark.parametrize("value", ["False", "True", "0", "64", "-3", "'x'", "[2.5]"])
def test_einsum_dense_output_shape_as_keras_takes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     value: str) -> None:
    """EinsumDense's output_shape (the fuzzer's TypeError: a bool in the MACs): Keras takes a bool as the int it
    is and refuses negative or non-numeric sizes; paramwise counts or refuses the same."""
    keras = pytest.importorskip("keras")
    x = keras.Input((10, 32))
    try:
        expected: int | None = keras.Model(x, keras.layers.EinsumDense(
            "...b,bc->...c", output_shape=eval(value), bias_axes="c")(x)).count_params()  # noqa: S307 - the test's own text
    except (ValueError, TypeError):
        expected = None
    path = tmp_path / "model.py"
    path.write_text("import keras\nfrom keras import layers\nx = keras.Input((10, 32))\n"
                    f"model = keras.Model(x, layers.EinsumDense('...b,bc->...c', output_shape={value}, bias_axes='c')(x))\n")
    if expected is None:
        refused(capsys, path, "'output_shape' must be a whole number", "model.py:4:")
    else:
        assert total_of(capsys, path) == expected
