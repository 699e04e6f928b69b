"""GGUF files written here with the gguf package's GGUFWriter: logical counts equal the unquantized arrays'
sizes, stored bytes follow each ggml type, and the header alone is read (a lying header is exit 2)."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main

gguf = pytest.importorskip("gguf")
np = pytest.importorskip("numpy")
T = gguf.GGMLQuantizationType


def write_gguf(path: Path, tensors: list[tuple[str, tuple[int, ...], Any]], blocks: int = 2) -> dict[str, Any]:
    """A small llama-shaped GGUF; returns the unquantized arrays' sizes, per type their stored bytes."""
    from gguf.quants import quant_shape_to_byte_shape, quantize

    rng = np.random.default_rng(0)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny")
    writer.add_block_count(blocks)
    writer.add_context_length(128)
    writer.add_embedding_length(256)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    writer.add_token_list([f"t{i}" for i in range(300)])
    sizes: dict[str, int] = {}
    stored: dict[str, int] = {}
    for name, shape, kind in tensors:
        values = rng.standard_normal(shape).astype(np.float32)
        if kind == T.F32:
            data = values
        elif kind == T.F16:
            data = values.astype(np.float16)
        else:
            try:
                data = quantize(values, kind)
            except NotImplementedError:  # gguf-py cannot quantize K-quants: bytes of the documented size
                data = rng.integers(0, 255, quant_shape_to_byte_shape(shape, kind), dtype=np.uint8)
        if kind in (T.F32, T.F16):
            writer.add_tensor(name, data)
        else:
            writer.add_tensor(name, data, raw_shape=data.shape, raw_dtype=kind)
        sizes[name] = values.size
        stored[kind.name] = stored.get(kind.name, 0) + data.nbytes
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {"sizes": sizes, "stored": stored}


def llama_tensors(blocks: int = 2) -> list[tuple[str, tuple[int, ...], Any]]:
    out: list[tuple[str, tuple[int, ...], Any]] = [("token_embd.weight", (300, 256), T.Q8_0)]
    for i in range(blocks):
        out += [(f"blk.{i}.attn_norm.weight", (256,), T.F32), (f"blk.{i}.attn_q.weight", (256, 256), T.Q4_K),
                (f"blk.{i}.attn_k.weight", (128, 256), T.Q5_0), (f"blk.{i}.ffn_down.weight", (256, 512), T.Q6_K),
                (f"blk.{i}.ffn_up.weight", (512, 256), T.Q4_0), (f"blk.{i}.ffn_gate.weight", (512, 256), T.BF16)]
    return out + [("output_norm.weight", (256,), T.F32), ("output.weight", (300, 256), T.F16)]


def test_logical_counts_equal_the_unquantized_arrays_and_bytes_follow_each_type(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "tiny.gguf"
    written = write_gguf(path, llama_tensors())
    report = paramwise.read(str(path))
    check_invariants(report)
    assert report.total == sum(written["sizes"].values())
    rows = {r.name: r.params for r in report.rows}
    for name, n in written["sizes"].items():
        assert rows[name.rsplit(".", 1)[0]] == n or rows.get(name) == n, name
    data = report.to_json()
    assert {k: v["bytes"] for k, v in data["dtypes"].items()} == written["stored"]
    storage = data["storage"]
    assert storage["architecture"] == "llama" and storage["hyperparameters"]["block_count"] == 2
    assert storage["hyperparameters"]["vocab_size"] == 300
    assert storage["stored_bytes"] == sum(written["stored"].values()) == report.total_bytes
    assert storage["bits_per_weight"] == round(8 * storage["stored_bytes"] / report.total, 3)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "blk.0-1 (×2)" in out and "Q4_K" in out and "bits per weight" in out


def test_a_huge_gguf_answers_from_its_header(tmp_path: Path) -> None:
    """A sparse file of 100 GB: its tensor data is never read."""
    path = tmp_path / "huge.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    shape = (32768, 2**20)  # 34 G values of Q4_0 (18 bytes per 32): 19 GB
    writer.add_tensor_info("blk.0.ffn_up.weight", (shape[0], shape[1] // 32 * 18), np.dtype(np.uint8), 0, raw_dtype=T.Q4_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    with open(path, "r+b") as f:
        f.truncate(100 * 2**30)
    start = time.perf_counter()
    report = paramwise.read(str(path))
    assert time.perf_counter() - start < 2
    assert report.total == shape[0] * shape[1] and report.complete


def header(tensors: int = 1, keys: int = 0) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensors, keys)


def gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


@pytest.mark.parametrize("data", [
    header(10**12),  # more tensors than any model
    header(0, 1) + gguf_string("k") + struct.pack("<IIQ", 9, 8, 10**15),  # an array of 10^15 strings
    header(0, 1) + gguf_string("k") + struct.pack("<I", 99),  # a value type that does not exist
    header(1) + gguf_string("w") + struct.pack("<I", 9),  # a tensor of 9 dims
    header(1) + gguf_string("w") + struct.pack("<IQIQ", 1, 32, 250, 0),  # a ggml type that does not exist
    header(1) + gguf_string("w") + struct.pack("<IQIQ", 1, 33, 2, 0),  # Q4_0 rows must hold whole blocks
    header(1) + struct.pack("<Q", 2**62),  # a name longer than the file
    b"GGUF" + struct.pack("<I", 1),  # version 1, truncated
])
def test_a_lying_or_truncated_header_is_exit_2_at_once(tmp_path: Path, data: bytes, capsys: Any) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data)
    start = time.perf_counter()
    assert main([str(path)]) == 2
    assert time.perf_counter() - start < 2
    assert "error:" in capsys.readouterr().err


def test_tensor_data_past_the_end_is_a_truncated_warning(tmp_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    written = write_gguf(path, llama_tensors(1), blocks=1)
    path.write_bytes(path.read_bytes()[:-1000])
    report = paramwise.read(str(path))
    assert report.total == sum(written["sizes"].values()) and not report.complete
    assert json.loads(json.dumps(report.to_json()))["unread"][0]["code"] == "truncated"


def test_the_gguf_package_is_not_needed_to_read(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "tiny.gguf"
    written = write_gguf(path, llama_tensors(1), blocks=1)
    monkeypatch.setitem(__import__("sys").modules, "gguf.constants", None)
    monkeypatch.setitem(__import__("sys").modules, "gguf", None)
    assert paramwise.read(str(path)).total == sum(written["sizes"].values())


def test_nan_metadata_stays_valid_json(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "nan.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_float32("llama.rope.freq_base", float("nan"))
    writer.add_tensor("a.weight", np.ones((2, 4), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert main([str(path), "--format", "json"]) == 0

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert data["storage"]["hyperparameters"]["rope.freq_base"] == "nan" and data["total"] == 8
