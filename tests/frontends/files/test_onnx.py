"""ONNX models exported here from torch and Keras: the initializers are counted once (however many nodes use
them), statistics and constants are not parameters, external data is never opened; the oracles are the
frameworks' own counts and the onnx package's initializers."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main

onnx = pytest.importorskip("onnx")
torch = pytest.importorskip("torch")
nn = torch.nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.emb = nn.Embedding(10, 8)
        self.head = nn.Linear(8, 10)

    def forward(self, x: Any, t: Any) -> Any:
        y = self.bn(self.conv(x)).mean((2, 3)) + self.emb(t)
        return self.head(y) + self.head(y)  # one Linear used twice: its initializers are shared by two nodes


def export(path: Path, training: bool) -> Any:
    torch.manual_seed(0)
    model = Net().eval()
    args = (torch.zeros(1, 3, 8, 8), torch.zeros(1, dtype=torch.long))
    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, str(path), dynamo=False, training=mode, do_constant_folding=not training)
    return model


def initializer_total(path: Path) -> int:
    return sum(int(torch.tensor(list(t.dims)).prod()) if t.dims else 1 for t in onnx.load(str(path), load_external_data=False).graph.initializer)


def test_torch_export_counts_equal_torch_and_shared_initializers_count_once(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    model = export(path, training=True)
    report = paramwise.read(str(path))
    check_invariants(report)
    params = sum(p.numel() for p in model.parameters())
    stats = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    assert (report.total, report.buffers) == (params, stats)
    assert report.total + report.buffers == initializer_total(path)
    rows = {r.name: r for r in report.rows}
    assert rows["/head/Gemm"].params == sum(p.numel() for p in model.head.parameters())
    assert rows["/head_1/Gemm"].params == 0 and rows["/head_1/Gemm"].shared
    assert rows["/conv/Conv"].type == "Conv" and rows["/conv/Conv"].output_shape == (1, 8, 6, 6)
    assert rows["/bn/BatchNormalization"].buffers == 2 * 8


def test_a_folded_batchnorm_is_shown_as_folded(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "folded.onnx"
    export(path, training=False)
    report = paramwise.read(str(path))
    assert report.total == initializer_total(path)
    assert {r.type for r in report.rows} >= {"Conv + folded BatchNorm", "Gemm"}
    assert main([str(path)]) == 0
    assert "BatchNorm folded in" in capsys.readouterr().out


def test_keras_export_counts_equal_keras(tmp_path: Path) -> None:
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("Keras exports ONNX through torch.onnx on the torch backend")
    import numpy as np

    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(5)])
    model(np.zeros((1, 8, 8, 3), "float32"))
    path = tmp_path / "keras.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.export(str(path), format="onnx", verbose=False)
    report = paramwise.read(str(path))
    assert report.total == model.count_params() == initializer_total(path)


def test_external_data_is_counted_from_the_model_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    model = export(path, training=True)
    proto = onnx.load(str(path))
    external = tmp_path / "ext" / "model.onnx"
    external.parent.mkdir()
    onnx.save_model(proto, str(external), save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin",
                    size_threshold=0)
    (external.parent / "weights.bin").unlink()  # never opened
    report = paramwise.read(str(external))
    assert report.total == sum(p.numel() for p in model.parameters())
    assert any("external data" in line for line in report.meta["notes"])


@pytest.mark.parametrize("data", [b"", b"\x08\x07" * 10, b"\xff" * 100, b"\x0a\xff\xff\xff\xff\x0f"])
def test_damaged_onnx_files_are_exit_2(tmp_path: Path, data: bytes, capsys: Any) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(data)
    start = time.perf_counter()
    assert main([str(path)]) == 2
    assert time.perf_counter() - start < 5
    assert "error:" in capsys.readouterr().err


def test_a_negative_dim_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    from onnx import TensorProto, helper

    weight = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[-5, 4])
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [weight])
    path = tmp_path / "neg.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    assert main([str(path)]) == 2
    assert "negative dim" in capsys.readouterr().err


def test_without_onnx_installed_the_error_names_the_install(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    path = tmp_path / "net.onnx"
    export(path, training=True)
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # as if not installed
    assert main([str(path)]) == 3
    assert "pip install onnx" in capsys.readouterr().err


def test_shape_initializers_and_constants_are_not_parameters(tmp_path: Path) -> None:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
    shape = numpy_helper.from_array(np.array([1, 4], np.int64), "shape")
    table = numpy_helper.from_array(np.ones((100,), np.float32), "table")
    nodes = [helper.make_node("MatMul", ["x", "w"], ["a"], name="first"),
             helper.make_node("MatMul", ["a", "w"], ["b"], name="second"),  # the same initializer again
             helper.make_node("Reshape", ["b", "shape"], ["c"], name="reshape"),
             helper.make_node("Constant", [], ["k"], name="big", value=table)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("c", TensorProto.FLOAT, None)], [w, shape])
    path = tmp_path / "hand.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    report = paramwise.read(str(path))
    rows = {r.name: r for r in report.rows}
    assert (report.total, report.buffers) == (w.dims[0] * w.dims[1], 2 + 100)
    assert rows["first"].params == 16 and rows["second"].params == 0 and rows["first"].output_shape == (1, 4)
    assert rows["reshape"].buffers == 2 and rows["big"].type == "Constant"
