"""Hostile and malformed model files: every one is a clear error (exit 2) or a correct answer, quickly, never a
traceback, a hang or a blown memory. The files are built by hand (zipfile, h5py, struct), no framework needed
except where a .pt is written with torch."""

from __future__ import annotations

import bz2
import io
import json
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paramwise.cli import main

# -- builders --------------------------------------------------------------------------------------------


def dense_model(batch_shape: Any = (None, 4)) -> dict[str, Any]:
    """A Keras 3 Sequential configuration: InputLayer and one Dense(3)."""
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "trainable": True, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": list(batch_shape) if isinstance(batch_shape, tuple) else batch_shape,
                    "dtype": "float32", "name": "input_layer"}},
        {"module": "keras.layers", "class_name": "Dense",
         "config": {"name": "dense", "trainable": True, "units": 3, "activation": "linear", "use_bias": True}},
    ]}, "keras_version": "3.6.0"}


def write_json(tmp: Path, data: Any, name: str = "model.json") -> Path:
    path = tmp / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def zip_bytes(entries: list[tuple[str, bytes, int]]) -> bytes:
    """A zip of (name, content, compression) entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content, method in entries:
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, compress_type=method)
    return buf.getvalue()


def keras_entries(weights: bytes | None = None, method: int = zipfile.ZIP_STORED) -> list[tuple[str, bytes, int]]:
    entries = [("metadata.json", b'{"keras_version": "3.6.0"}', zipfile.ZIP_STORED),
               ("config.json", json.dumps(dense_model()).encode(), zipfile.ZIP_DEFLATED)]
    if weights is not None:
        entries.append(("model.weights.h5", weights, method))
    return entries


def patch_entry(data: bytes, name: str, **fields: int) -> bytes:
    """Rewrite header fields of one entry, in its local header and its central directory record alike:
    flags, crc, compress_size, file_size, method."""
    local = {"flags": (6, "<H"), "method": (8, "<H"), "crc": (14, "<I"), "compress_size": (18, "<I"), "file_size": (22, "<I")}
    central = {"flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<I"), "compress_size": (20, "<I"), "file_size": (24, "<I")}
    out = bytearray(data)
    raw = name.encode()
    for signature, table, name_at in ((b"PK\x03\x04", local, 30), (b"PK\x01\x02", central, 46)):
        at = out.find(signature)
        while at >= 0:
            (length,) = struct.unpack_from("<H", out, at + name_at - (2 if name_at == 30 else 18))
            if bytes(out[at + name_at:at + name_at + length]) == raw:
                for key, value in fields.items():
                    offset, fmt = table[key]
                    struct.pack_into(fmt, out, at + offset, value)
            at = out.find(signature, at + 4)
    return bytes(out)


def write_keras(tmp: Path, data: bytes, name: str = "model.keras") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def bzip2_bomb(size: int) -> bytes:
    return bz2.compress(b"\0" * size, 9)


def deflate_raw(content: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(content) + c.flush()


def safetensors_bytes(header: Any, data: bytes = b"", raw_header: bytes | None = None) -> bytes:
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def tensors_header(names: list[str], dtype: str = "F32", shape: tuple[int, ...] = (2,)) -> tuple[dict[str, Any], bytes]:
    size = {"F32": 4, "F16": 2, "I64": 8, "BF16": 2, "U8": 1}.get(dtype, 1)  # other names: one byte a value
    n = 1
    for d in shape:
        n *= d
    header: dict[str, Any] = {}
    offset = 0
    for name in names:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n * size]}
        offset += n * size
    return header, b"\0" * offset


def write_safetensors(tmp: Path, names: list[str], name: str = "model.safetensors", **kw: Any) -> Path:
    header, data = tensors_header(names, **kw)
    path = tmp / name
    path.write_bytes(safetensors_bytes(header, data))
    return path


def nested_functional(depth: int) -> dict[str, Any]:
    """A functional model holding a functional model ... `depth` deep, Keras 3 format, with one Dense inside."""

    def tensor(layer: str) -> dict[str, Any]:
        return {"class_name": "__keras_tensor__", "config": {"shape": [None, 4], "dtype": "float32",
                                                              "keras_history": [layer, 0, 0]}}

    def node(layer: str) -> dict[str, Any]:
        return {"args": [tensor(layer)], "kwargs": {}}

    def inp(name: str) -> dict[str, Any]:
        return {"module": "keras.layers", "class_name": "InputLayer", "name": name,
                "config": {"batch_shape": [None, 4], "dtype": "float32", "name": name}, "inbound_nodes": []}

    inner: dict[str, Any] = {"module": "keras.layers", "class_name": "Dense", "name": "dense_0",
                             "config": {"name": "dense_0", "trainable": True, "units": 4, "use_bias": True},
                             "inbound_nodes": [node("in_0")]}
    model: dict[str, Any] = {"module": "keras", "class_name": "Functional", "name": "m_0", "config": {
        "name": "m_0", "trainable": True, "layers": [inp("in_0"), inner],
        "input_layers": [["in_0", 0, 0]], "output_layers": [["dense_0", 0, 0]]}, "inbound_nodes": []}
    for i in range(1, depth):
        model["inbound_nodes"] = [node(f"in_{i}")]
        model = {"module": "keras", "class_name": "Functional", "name": f"m_{i}", "config": {
            "name": f"m_{i}", "trainable": True, "layers": [inp(f"in_{i}"), model],
            "input_layers": [[f"in_{i}", 0, 0]], "output_layers": [[f"m_{i - 1}", 0, 0]]}, "inbound_nodes": []}
    return {**model, "keras_version": "3.6.0"}


def run_cli(path: Path | str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str, float]:
    """(exit code, stderr, stdout, seconds) of the command line on `path`."""
    start = time.perf_counter()
    code = main([str(path), *extra])
    elapsed = time.perf_counter() - start
    out = capsys.readouterr()
    return code, out.err, out.out, elapsed


def refused(path: Path | str, capsys: pytest.CaptureFixture[str], *words: str, seconds: float = 5.0, code: int = 2) -> str:
    """Exit 2 (or `code`) with one clear message holding each of `words`, within `seconds`."""
    got, err, out, elapsed = run_cli(path, capsys)
    text = err + out
    assert got == code, text
    assert "internal error" not in text and "Traceback" not in text, text
    assert "error:" in err, text
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    assert elapsed < seconds, (elapsed, text)
    return text


def answered(path: Path | str, capsys: pytest.CaptureFixture[str], *extra: str, seconds: float = 10.0) -> dict[str, Any]:
    """Exit 0 within `seconds`; the JSON report."""
    got, err, out, elapsed = run_cli(path, capsys, "--format", "json", *extra)
    assert got == 0, err
    assert elapsed < seconds, elapsed
    report: dict[str, Any] = json.loads(out)
    return report


# -- .keras archives ----------------------------------------------------------------------------------


def weights_h5() -> bytes:
    """A Keras 3 model.weights.h5 for dense_model(): layers/dense/vars/{0,1}."""
    h5py = pytest.importorskip("h5py")
    import numpy as np

    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        group = f.create_group("layers/dense/vars")
        group.attrs["name"] = "dense"
        group["0"] = np.zeros((4, 3), "float32")
        group["1"] = np.zeros((3,), "float32")
    return buf.getvalue()


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_archive_read_in_every_compression(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: int) -> None:
    """The capped stream reads real archives (Keras stores; a re-zipped archive deflates) and their weights."""
    plain = answered(write_keras(tmp_path, zip_bytes(keras_entries()), "plain.keras"), capsys)
    report = answered(write_keras(tmp_path, zip_bytes(keras_entries(weights_h5(), method))), capsys)
    assert report["total"] == plain["total"]
    assert not [w for w in report["warnings"] if w["code"] in ("weights_mismatch", "stored_only")], report["warnings"]


def config_info(data: bytes, name: str = "config.json") -> zipfile.ZipInfo:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo(name)


ARCHIVE_DAMAGE: dict[str, tuple[Callable[[bytes, zipfile.ZipInfo], bytes], str]] = {
    "wrong CRC": (lambda d, i: patch_entry(d, "config.json", crc=i.CRC ^ 1), "CRC"),
    "declared size too small": (lambda d, i: patch_entry(d, "config.json", file_size=10), "more than the 10 bytes"),
    "declared size too large": (lambda d, i: patch_entry(d, "config.json", file_size=i.file_size * 3), "declares"),
    "compressed size past the end": (lambda d, i: patch_entry(d, "config.json", compress_size=i.compress_size + 10**6), "ends first"),
    "encrypted": (lambda d, i: patch_entry(d, "config.json", flags=1), "encrypted"),
    "unknown compression": (lambda d, i: patch_entry(d, "config.json", method=99), "compression method 99"),
    "truncated": (lambda d, i: d[: len(d) // 2], "not a readable .keras archive"),
    "stored size lies": (lambda d, i: patch_entry(d, "metadata.json", file_size=5), "stored uncompressed"),
}


@pytest.mark.parametrize("damage", sorted(ARCHIVE_DAMAGE))
def test_damaged_archive_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    data = zip_bytes(keras_entries())
    change, words = ARCHIVE_DAMAGE[damage]
    refused(write_keras(tmp_path, change(data, config_info(data))), capsys, words)


@pytest.mark.parametrize("weights", [b"not hdf5 at all" * 100, b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 20])
def test_garbage_weights_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], weights: bytes) -> None:
    refused(write_keras(tmp_path, zip_bytes(keras_entries(weights))), capsys, "model.weights.h5", "not a readable HDF5 file")


def bomb_archive(stream: bytes, method: int, declared: int, crc: int = 0) -> bytes:
    """model.weights.h5 holding `stream` (already compressed), declared as `method` inflating to `declared` bytes."""
    data = zip_bytes(keras_entries(stream, zipfile.ZIP_STORED))
    return patch_entry(data, "model.weights.h5", method=method, file_size=declared, crc=crc)


def refused_small(path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Refused within a second, having allocated little (nothing was inflated)."""
    import tracemalloc

    tracemalloc.start()
    try:
        text = refused(path, capsys, *words, seconds=1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, peak
    return text


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_DEFLATED])
def test_bomb_declared_honestly_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: int) -> None:
    content = b"\0" * (32 * 2**20)
    stream = bzip2_bomb(len(content)) if method == zipfile.ZIP_BZIP2 else deflate_raw(content)
    path = write_keras(tmp_path, bomb_archive(stream, method, 0xFFFFFFF0))
    refused_small(path, capsys, "model.weights.h5", "zip bomb")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_DEFLATED])
def test_bomb_with_lying_size_stops_at_the_declared_size(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: int) -> None:
    content = b"\0" * (32 * 2**20)
    stream = bzip2_bomb(len(content)) if method == zipfile.ZIP_BZIP2 else deflate_raw(content)
    path = write_keras(tmp_path, bomb_archive(stream, method, 4000))
    refused_small(path, capsys, "model.weights.h5", "more than the 4,000 bytes it declares")


def test_bomb_within_the_declared_ratio_is_caught_while_streaming(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = deflate_raw(b"\0" * (64 * 2**20))  # ~64 KB inflating 1,000 times
    path = write_keras(tmp_path, bomb_archive(stream, zipfile.ZIP_DEFLATED, len(stream) * 150))
    refused_small(path, capsys, "model.weights.h5")


def test_config_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = zip_bytes([("config.json", b" " * (80 * 2**20), zipfile.ZIP_DEFLATED)])
    refused(write_keras(tmp_path, data), capsys, "config.json")


def test_archive_with_too_many_entries_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = keras_entries() + [(f"assets/{i}", b"", zipfile.ZIP_STORED) for i in range(10_001)]
    refused(write_keras(tmp_path, zip_bytes(entries)), capsys, "entries", "10,000")


# -- JSON: nesting and the types of a configuration's parts ----------------------------------------------


def deep_json(depth: int) -> str:
    return '{"class_name": "Sequential", "config": {"layers": ' + "[" * depth + "]" * depth + "}}"


def test_json_nested_100000_deep_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = refused(write_json(tmp_path, deep_json(100_000)), capsys, "nested", "500", seconds=2.0)
    assert ":1:" in text  # the line and column where the nesting passes the limit


def test_deep_json_inside_every_container(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = deep_json(100_000)
    refused(write_keras(tmp_path, zip_bytes([("config.json", deep.encode(), zipfile.ZIP_DEFLATED)])), capsys, "nested")
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "deep.h5", "w") as f:
        f.attrs["model_config"] = deep
    refused(tmp_path / "deep.h5", capsys, "nested")
    raw = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    (tmp_path / "deep.safetensors").write_bytes(safetensors_bytes(None, raw_header=raw))
    refused(tmp_path / "deep.safetensors", capsys, "nested")
    (tmp_path / "deep.safetensors.index.json").write_text('{"weight_map": ' + "[" * 100_000 + "]" * 100_000 + "}")
    refused(tmp_path / "deep.safetensors.index.json", capsys, "nested")


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = dense_model()
    model["config"]["layers"][1]["config"]["name"] = "[" * 5000 + '\\"{' * 100
    answered(write_json(tmp_path, model), capsys)


def test_functional_models_nested_150_deep_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = answered(write_json(tmp_path, nested_functional(1), "one.json"), capsys)
    deep = answered(write_json(tmp_path, nested_functional(150)), capsys, seconds=20.0)
    assert deep["total"] == one["total"]


def test_functional_models_nested_past_the_limit_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(write_json(tmp_path, nested_functional(170)), capsys, "nested", "500")


def with_change(change: Callable[[dict[str, Any]], None], model: dict[str, Any] | None = None) -> dict[str, Any]:
    model = model or dense_model()
    change(model)
    return model


def layer(model: dict[str, Any], i: int = 1) -> dict[str, Any]:
    entry: dict[str, Any] = model["config"]["layers"][i]
    return entry


WRONG_TYPES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a layer entry that is an int": (lambda m: m["config"]["layers"].append(7), "config.layers[2]"),
    "a layer entry that is a string": (lambda m: m["config"]["layers"].insert(1, "Dense"), "config.layers[1]"),
    "layers an object": (lambda m: m["config"].update(layers={"a": 1}), "config.layers"),
    "layers a string": (lambda m: m["config"].update(layers="dense"), "config.layers"),
    "model config a list": (lambda m: m.update(config=[1]), "config"),
    "layer config a list": (lambda m: layer(m).update(config=[1]), "config.layers[1].config"),
    "layer config a string": (lambda m: layer(m).update(config="units=3"), "config.layers[1].config"),
    "class_name an int": (lambda m: layer(m).update(class_name=5), "config.layers[1].class_name"),
    "class_name a list": (lambda m: layer(m).update(class_name=["Dense"]), "config.layers[1].class_name"),
    "class_name null": (lambda m: layer(m).update(class_name=None), "config.layers[1].class_name"),
    "class_name missing": (lambda m: layer(m).pop("class_name"), "config.layers[1]"),
    "name an object": (lambda m: layer(m)["config"].update(name={"a": 1}), "config.layers[1].config.name"),
    "build_config a list": (lambda m: layer(m).update(build_config=[1]), "config.layers[1].build_config"),
    "top class_name a list": (lambda m: m.update(class_name=["Sequential"]), "class_name"),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_config_part_of_the_wrong_type_names_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    change, at = WRONG_TYPES[case]
    text = refused(write_json(tmp_path, with_change(change)), capsys, at)
    assert "must be" in text or "no 'class_name'" in text or "not a Sequential" in text


@pytest.mark.parametrize("nodes", [5, {"a": 1}, "x"])
def test_calls_of_the_wrong_type_name_their_path(tmp_path: Path, capsys: pytest.CaptureFixture[str], nodes: Any) -> None:
    model = nested_functional(2)
    model["config"]["layers"][1]["inbound_nodes"] = nodes
    refused(write_json(tmp_path, model), capsys, "config.layers[1].inbound_nodes")


def test_not_an_object_at_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"class_name": "Sequential", "config": {"layers": [1, 2]}, "keras_version": "3"}'
    refused(write_json(tmp_path, text), capsys, "config.layers[0]", "must be an object")


BAD_DIMENSIONS: dict[str, Any] = {
    "negative": [None, -4], "zero": [None, 0], "float": [None, 3.5], "bool": [None, True], "string": [None, "abc"],
    "numeric string": [None, "7"], "list": [None, [4]], "zero batch": [0, 4],
}


@pytest.mark.parametrize("case", sorted(BAD_DIMENSIONS))
def test_bad_batch_shape_dimension(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    shape = BAD_DIMENSIONS[case]
    bad = next(i for i, d in enumerate(shape) if d is not None and not (type(d) is int and d >= 1))
    text = refused(write_json(tmp_path, dense_model(tuple(shape))), capsys,
                   f"config.layers[0].config.batch_shape[{bad}]", "null or a whole number >= 1")
    assert json.dumps(shape[bad]) in text


@pytest.mark.parametrize("value", ["x", {}, 4, True])
def test_batch_shape_that_is_not_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any) -> None:
    text = refused(write_json(tmp_path, dense_model(value)), capsys, "config.layers[0].config.batch_shape", "a list of dimensions")
    assert json.dumps(value) in text


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_non_numbers_in_batch_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str) -> None:
    text = json.dumps(dense_model()).replace("[null, 4]", f"[null, {word}]")
    refused(write_json(tmp_path, text), capsys, "batch_shape[1]", word)


def test_legacy_input_shapes_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = dense_model()
    first = layer(model, 0)["config"]
    del first["batch_shape"]
    first["batch_input_shape"] = [None, -1]
    refused(write_json(tmp_path, model, "legacy.json"), capsys, "batch_input_shape[1]")
    model = dense_model()
    model["config"]["layers"].pop(0)
    layer(model, 0)["config"]["batch_input_shape"] = [None, 2.5]
    refused(write_json(tmp_path, model, "first.json"), capsys, "config.layers[0].config.batch_input_shape[1]")
    model = dense_model()
    model["config"]["layers"].pop(0)
    model["config"]["build_input_shape"] = [None, "4"]
    refused(write_json(tmp_path, model, "build.json"), capsys, "config.build_input_shape[1]")


def test_functional_input_shape_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = nested_functional(1)
    model["config"]["layers"][0]["config"]["batch_shape"] = [None, -3]
    refused(write_json(tmp_path, model), capsys, "config.layers[0].config.batch_shape[1]", "-3")


def test_shape_too_long_or_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(write_json(tmp_path, dense_model((None, *[4] * 10_000)), "rank.json"), capsys,
            "config.layers[0].config.batch_shape", "at most 32 dimensions")
    refused(write_json(tmp_path, dense_model((None, 10**30)), "dim.json"), capsys, "batch_shape[1]", "at most")


def test_bad_layer_argument_names_its_data_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = dense_model()
    layer(model)["config"]["units"] = -5
    refused(write_json(tmp_path, model), capsys, "config.layers[1].config.units", "-5")


def test_wrapped_layer_of_the_wrong_type_names_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = dense_model()
    layer(model).update(class_name="Bidirectional")
    layer(model)["config"]["layer"] = {"class_name": 5, "config": {"name": "x", "trainable": True}}
    refused(write_json(tmp_path, model), capsys, "config.layers[1].config.layer.class_name")


def test_negative_output_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = nested_functional(1)
    model["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["in_0", 0, -5]
    refused(write_json(tmp_path, model), capsys, "config.layers[1].inbound_nodes[0]", "output -5")


def test_integer_too_long_to_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(dense_model()).replace('"units": 3', '"units": 1' + "0" * 5000)
    refused(write_json(tmp_path, text), capsys, "cannot be read")


# -- legacy .h5 --------------------------------------------------------------------------------------------


@pytest.fixture
def h5py() -> Any:
    return pytest.importorskip("h5py")


def test_garbage_h5_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "model.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 40)
    refused(tmp_path / "model.h5", capsys, "not a readable HDF5 file")


def test_truncated_h5_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any) -> None:
    with h5py.File(tmp_path / "full.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(dense_model())
        f["model_weights/dense/dense/kernel:0"] = [[0.0] * 3] * 4
    data = (tmp_path / "full.h5").read_bytes()
    (tmp_path / "model.h5").write_bytes(data[: len(data) // 3])
    refused(tmp_path / "model.h5", capsys, "HDF5")


@pytest.mark.parametrize("value", [5, [1, 2], "{oops", b"\xff\xfe"])
def test_model_config_that_is_not_json_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any, value: Any) -> None:
    import numpy as np

    with h5py.File(tmp_path / "model.h5", "w") as f:
        f.attrs["model_config"] = np.void(value) if isinstance(value, bytes) else value
    refused(tmp_path / "model.h5", capsys, "model_config")


def test_strings_where_numbers_should_be_in_h5(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any) -> None:
    with h5py.File(tmp_path / "model.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(dense_model((None, "7")))
        f.create_group("model_weights").attrs["layer_names"] = 5
    refused(tmp_path / "model.h5", capsys, "batch_shape[1]", '"7"')


def test_h5_links_are_not_followed_out_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any) -> None:
    with h5py.File(tmp_path / "model.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(dense_model())
        f["model_weights"] = h5py.ExternalLink(str(tmp_path / "elsewhere.h5"), "/")
    answered(tmp_path / "model.h5", capsys)


def test_h5_group_cycles_are_walked_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any) -> None:
    with h5py.File(tmp_path / "model.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(dense_model())
        group = f.create_group("model_weights/dense/dense")
        group["kernel:0"] = [[0.0] * 3] * 4
        for i in range(30):
            group[f"loop{i}"] = f["model_weights"]
    answered(tmp_path / "model.h5", capsys)


# a legacy .h5 (from the fuzz run) on which the HDF5 library 2.0 loops forever while reading an attribute
HDF5_LOOP = (
    "c-rk+L2uJA6t<g9ibjVzQK=mTHH6C!RaH@hs-1>tp-2-$j04g%1-J9oXj!^7$zYl)uI0vYe*lS}vI7T>9Qg?xxeeQSZkx1}LZt~Yf0q}(_iR7E"
    "Jipe@d0($SUR=1jfH-s=&7l+;#s%Q>-Dq3NUjxNJdq6)WBwrJ<Ebvn>zM+Nf7VuxbsMWakMGSJDUM8eEQn-q!*B(CS^cA#aJe?<^dI#+t>R4~6"
    "z1Q-+p}1W8%Xya|UgL3{M0JSoMU-Yy8P3~mySw%t=PzR{dZzj|=#hQ$kv;UZ!QOfDXk#5C=n&K6I5pV}fkVwz!`!DG;+X}*Y&yjAESDSz_9i_F"
    "sO#Ir5i(&4<DZ&R!J|i9;&+Jcl7<+|?*x>w9CAWC9&2xn%u@u}$aGKL!@ytX!q{{T;x}8C*CK~pZ_5oFr(oRQW=cE$iQt*LPMi4Ud%U9@&gR2e"
    "VluPaEf~`qQl+j(f3f5pDI2rsz_oq8<}!OGP2WByzTI|tFUNK%5z7iZYBg-)L9cFio0%5cV;wVVphLO%pja}y>^;eFG=K^N7=>4jt^pldZZzPo"
    "tG%wEprD|jprD|jprG(S1Ecxy%#USzC8UXvF$a3`92swGC@Z=y8F`QyD5ImyJCM&KUC0xOa6la@C>lOXhZ?1rMQ<<P33q1k-}pLX73!9<e)GFJ"
    "<A)p?s@5o6HN@+TvKn5>MD=7{N7m`;GtRsDY@>?VXfp23(=x6@e1~=_qu$ZvJb)v4K-O=603(~5E)SgLRUS}zU^EX@a+jM2zGS0$ARfmGf0hT("
    "?T{Gx>GHrgL*)UL2L^cn!U3)2qk8+a<5Fj}|0kMX8u6Cgx0M<5z}H*RJP?m#g-L!)^z*=qIay!&yLUtRZu0pw^eDzSb`G8OJX(PhTQX)r@1OOJ"
    "{B4Q<M^D1nEtox}+4{t7uei4M1b-Q$@!tr5Pvu>*r2Ot!elws69}e1F=O;+GDH;"
)


def test_hdf5_library_that_never_returns_is_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str], h5py: Any) -> None:
    import base64

    (tmp_path / "model.h5").write_bytes(zlib.decompress(base64.b85decode(HDF5_LOOP)))
    refused(tmp_path / "model.h5", capsys, "HDF5", seconds=15.0)


def test_hdf5_reader_crash_or_hang_is_an_input_error(monkeypatch: pytest.MonkeyPatch, h5py: Any) -> None:
    import os
    import signal

    from paramwise.errors import InputError, LimitError
    from paramwise.frontends.files import keras_h5

    if not hasattr(os, "fork"):
        pytest.skip("the HDF5 reader runs in this process where there is no fork")
    with pytest.raises(InputError, match="crashed"):
        keras_h5.isolated(lambda: os.kill(os.getpid(), signal.SIGSEGV), "model.h5")
    monkeypatch.setattr(keras_h5, "H5_SECONDS", 0.5)
    start = time.monotonic()
    with pytest.raises(LimitError, match="did not finish"):
        keras_h5.isolated(lambda: time.sleep(60), "model.h5")
    assert time.monotonic() - start < 5
    assert keras_h5.isolated(lambda: {"a": [1, "b"]}, "model.h5") == {"a": [1, "b"]}
    with pytest.raises(LimitError, match="too deep"):
        keras_h5.isolated(lambda: (_ for _ in ()).throw(RecursionError()), "model.h5")


# -- safetensors and .pt --------------------------------------------------------------------------------


def library_total(path: Path) -> int:
    """The number of values the safetensors library itself reads from the file."""
    safetensors = pytest.importorskip("safetensors")
    total = 0
    with safetensors.safe_open(str(path), "np") as f:
        for key in f.keys():
            n = 1
            for d in f.get_slice(key).get_shape():
                n *= d
            total += n
    return total


NAMES = {"empty": [""], "dots": ["..."], "double dot": ["a..b"], "trailing dot": ["a."], "leading dot": [".a"],
         "no dot": ["emb_params", "w"], "all of them": ["", "...", "a..b", "a.", "w", "a.b.weight", "a.running_mean"]}


@pytest.mark.parametrize("case", sorted(NAMES))
def test_any_tensor_name_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    path = write_safetensors(tmp_path, NAMES[case])
    report = answered(path, capsys)
    assert report["total"] + report["buffers"] == library_total(path)
    assert {row["name"] for row in report["layers"]} >= {n for n in NAMES[case] if "." not in n or ".." in n
                                                         or n.startswith(".") or n.endswith(".")}


def test_tensor_named_like_a_module_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(write_safetensors(tmp_path, ["w", "w.bias"]), capsys, "tensor 'w'", "module")


def test_mixed_dtypes_safetensors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h1, d1 = tensors_header(["a.weight"], "F32", (3, 4))
    h2, d2 = tensors_header(["a.bias"], "F16", (3,))
    h3, d3 = tensors_header(["steps"], "I64", ())
    offset = 0
    for header, data in ((h1, d1), (h2, d2), (h3, d3)):
        for info in header.values():
            info["data_offsets"] = [offset, offset + len(data)]
        offset += len(data)
    path = tmp_path / "mixed.safetensors"
    path.write_bytes(safetensors_bytes({**h1, **h2, **h3}, d1 + d2 + d3))
    report = answered(path, capsys)
    assert report["total"] + report["buffers"] == library_total(path)
    assert set(report["dtypes"]) == {"F32", "F16", "I64"}


def test_100000_tensors_are_read_in_linear_time(tmp_path: Path) -> None:
    from paramwise.frontends import ReadOptions
    from paramwise.frontends.files import checkpoint

    path = write_safetensors(tmp_path, [f"layers.{i}.weight" for i in range(100_000)])
    start = time.process_time()
    [found], _ = checkpoint.read_file(str(path), ReadOptions())
    assert time.process_time() - start < 10.0
    assert found.graph is not None and len(found.graph.layers) == 100_001


def test_name_of_20000_parts_answers_with_a_capped_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from paramwise.frontends.files.module_tree import MAX_TREE_DEPTH

    path = write_safetensors(tmp_path, [".".join(["p"] * 20_000) + ".weight", "head.weight"])
    report = answered(path, capsys, "--expand")
    assert report["total"] == library_total(path)
    assert max(row["name"].count(".") for row in report["layers"] if row["type"] != "Parameter") < MAX_TREE_DEPTH


HEADER_DAMAGE: dict[str, tuple[bytes, str]] = {
    "size lies": (struct.pack("<Q", 10**6) + b"{}", "claims 1,000,000 bytes"),
    "size beyond any header": (struct.pack("<Q", 2**62) + b"{}", "claims"),
    "truncated": (struct.pack("<Q", 40) + b'{"a": {"dtype": "F32", "shape": [2]', "claims"),
    "too short": (b"\x05\x00", "too short"),
    "not json": (safetensors_bytes(None, raw_header=b"{not json at all}"), "not valid JSON"),
    "not utf-8": (safetensors_bytes(None, raw_header=b'{"\xff\xfe": 1}'), "not UTF-8"),
    "an array": (safetensors_bytes(None, raw_header=b"[1, 2]"), "not a JSON object"),
    "entry not an object": (safetensors_bytes({"a": 5}), "must be an object"),
    "dtype an object": (safetensors_bytes({"a": {"dtype": {}, "shape": [1], "data_offsets": [0, 4]}}), "dtype"),
    "shape of strings": (safetensors_bytes({"a": {"dtype": "F32", "shape": ["abc"], "data_offsets": [0, 4]}}), "shape"),
    "negative dimension": (safetensors_bytes({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 4]}}), "shape"),
    "float dimension": (safetensors_bytes({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}), "shape"),
    "offsets an int": (safetensors_bytes({"a": {"dtype": "X9", "shape": [1], "data_offsets": 5}}), "data_offsets"),
    "offsets reversed": (safetensors_bytes({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}), "data_offsets"),
    "offsets disagree with shape": (safetensors_bytes({"a": {"dtype": "F32", "shape": [8], "data_offsets": [0, 4]}}, b"\0" * 4),
                                    "takes 32 bytes"),
    "astronomical shape": (safetensors_bytes({"a": {"dtype": "F32", "shape": [10**18] * 1000, "data_offsets": [0, 4]}}),
                           "more than"),
}


@pytest.mark.parametrize("case", sorted(HEADER_DAMAGE))
def test_damaged_safetensors_header(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    data, words = HEADER_DAMAGE[case]
    (tmp_path / "model.safetensors").write_bytes(data)
    refused(tmp_path / "model.safetensors", capsys, words)


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def test_pt_names_without_dots_and_mixed_dtypes(tmp_path: Path, capsys: pytest.CaptureFixture[str], torch: Any) -> None:
    state = {"emb_params": torch.zeros(3, 4), "w": torch.zeros(2, dtype=torch.float16), "a.b": torch.zeros(5),
             "": torch.zeros(1), "...": torch.zeros(1), "steps": torch.zeros((), dtype=torch.int64)}
    torch.save(state, tmp_path / "embedding.pt")
    report = answered(tmp_path / "embedding.pt", capsys, seconds=30.0)
    assert report["total"] + report["buffers"] == sum(t.numel() for t in state.values())
    assert report["dtypes"]["float16"]["count"] == state["w"].numel()


def test_pt_with_shared_dicts_is_walked_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], torch: Any) -> None:
    d: dict[str, Any] = {"w": torch.zeros(2)}
    for _ in range(40):
        d = {"a": d, "b": d}
    torch.save(d, tmp_path / "shared.pt")
    assert (tmp_path / "shared.pt").stat().st_size < 4096
    report = answered(tmp_path / "shared.pt", capsys, seconds=30.0)
    assert report["total"] == 2


def test_pt_with_a_dict_holding_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str], torch: Any) -> None:
    d: dict[str, Any] = {"w": torch.zeros(3)}
    d["self"] = d
    torch.save({"state_dict": {"x.weight": torch.zeros(2, 2)}, "loop": d}, tmp_path / "loop.pt")
    report = answered(tmp_path / "loop.pt", capsys, seconds=30.0)
    assert report["total"] == 4


def test_pt_with_dicts_nested_too_deep(tmp_path: Path, capsys: pytest.CaptureFixture[str], torch: Any) -> None:
    d: dict[str, Any] = {"w": torch.zeros(2)}
    for _ in range(300):
        d = {"x": d}
    torch.save(d, tmp_path / "deep.pt")
    refused(tmp_path / "deep.pt", capsys, "nested", seconds=30.0)


def test_pt_is_read_whatever_the_torch_version(tmp_path: Path, capsys: pytest.CaptureFixture[str], torch: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing of torch runs on the file (its pickle is read as data), so an old torch, whose weights_only
    loading could run code, is no reason to refuse it."""
    torch.save({"w": torch.zeros(2)}, tmp_path / "model.pt")
    for version in ("2.5.1+cpu", "1.13.0", "garbage"):
        monkeypatch.setattr(torch, "__version__", version)
        assert answered(tmp_path / "model.pt", capsys, seconds=30.0)["total"] == 2


# -- sharded checkpoints ----------------------------------------------------------------------------------


def write_index(folder: Path, shard: str, name: str = "model.safetensors.index.json") -> Path:
    write_safetensors(folder, ["a.weight"], "model-1.safetensors")
    path = folder / name
    path.write_text(json.dumps({"weight_map": {"a.weight": "model-1.safetensors", "b.weight": shard}}))
    return path


@pytest.mark.parametrize("shard", ["/etc/passwd", "../outside.safetensors", "sub/../../outside.safetensors"])
def test_shard_outside_the_folder_is_refused_unopened(tmp_path: Path, capsys: pytest.CaptureFixture[str], shard: str) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    write_safetensors(tmp_path, ["b.weight"], "outside.safetensors")
    text = refused(write_index(folder, shard), capsys, "not a file beside the index", "weight_map.b.weight")
    assert "bytes" not in text  # nothing about the outside file is told


def test_shard_link_pointing_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "link.safetensors").symlink_to("/etc/passwd")
    text = refused(write_index(folder, "link.safetensors"), capsys, "outside the index's folder")
    assert "bytes" not in text and "/etc/passwd" not in text


def test_shard_that_is_a_fifo_does_not_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import signal

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "pipe.safetensors")

    def hung(signum: int, frame: Any) -> None:
        raise AssertionError("reading the index blocked on a named pipe")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        refused(write_index(tmp_path, "pipe.safetensors"), capsys, "not a regular file")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_shards_linked_as_in_the_hugging_face_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """snapshots/<rev>/ holds links to ../../blobs/<hash>: the links point where the index's own link points."""
    blobs, snapshot = tmp_path / "blobs", tmp_path / "snapshots" / "abc"
    blobs.mkdir()
    snapshot.mkdir(parents=True)
    for i in (1, 2):
        write_safetensors(blobs, [f"layers.{i}.weight"], f"hash{i}")
        (snapshot / f"model-{i}.safetensors").symlink_to(f"../../blobs/hash{i}")
    (blobs / "hash0").write_text(json.dumps({"weight_map": {f"layers.{i}.weight": f"model-{i}.safetensors" for i in (1, 2)}}))
    (snapshot / "model.safetensors.index.json").symlink_to("../../blobs/hash0")
    report = answered(snapshot / "model.safetensors.index.json", capsys)
    assert report["total"] == library_total(blobs / "hash1") + library_total(blobs / "hash2")


@pytest.mark.parametrize("index", [{"weight_map": ["x"]}, {"weight_map": {"a.weight": 5}}, {"weight_map": {"a.weight": ""}},
                                   {"weight_map": None}, [{"weight_map": 1}]])
def test_index_of_the_wrong_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str], index: Any) -> None:
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(index))
    refused(tmp_path / "model.safetensors.index.json", capsys, "weight_map")


def test_many_missing_shards_answer_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_safetensors(tmp_path, ["a.weight"], "model-1.safetensors")
    weight_map = {"a.weight": "model-1.safetensors", **{f"t{i}": f"missing-{i % 5000}.safetensors" for i in range(50_000)}}
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    report = answered(tmp_path / "model.safetensors.index.json", capsys, "--quiet", seconds=20.0)
    assert report["total"] == library_total(tmp_path / "model-1.safetensors")


@pytest.mark.parametrize("dtype", ["__import__('os')", "f32", "", "F32 ", "A" * 40])
def test_a_dtype_not_spelled_as_the_format_spells_them_is_an_error(
    dtype: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_safetensors(tmp_path, ["w"], dtype=dtype, shape=(2, 3))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:w: error: header entry 'w': its dtype must be a name such as \"F32\"" in err


def test_a_newer_dtype_name_is_read_with_its_size_from_the_offsets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_safetensors(tmp_path, ["w"], dtype="F8_E4M3FNUZ", shape=(2, 3))
    report = answered(path, capsys)
    assert report["total"] == 6 and set(report["dtypes"]) == {"F8_E4M3FNUZ"}
