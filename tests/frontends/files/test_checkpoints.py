"""Checkpoints read without running anything: safetensors headers, sharded indexes, torch state dicts.
The expected counts come from the torch modules that wrote the files."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants

torch = pytest.importorskip("torch")
nn = torch.nn


def net() -> Any:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Sequential(nn.Conv2d(8, 8, 3), nn.ReLU()), nn.Flatten(), nn.Linear(8 * 4 * 4, 10),
    )


def torch_counts(model: Any) -> tuple[int, int]:
    return sum(p.numel() for p in model.parameters()), sum(b.numel() for b in model.buffers())


def per_module(model: Any) -> dict[str, int]:
    return {name: sum(p.numel() for p in m.parameters()) for name, m in model.named_modules() if name}


def check_against(report: Any, model: Any) -> None:
    check_invariants(report)
    total, buffers = torch_counts(model)
    assert (report.total, report.buffers) == (total, buffers)
    rows = {r.name: r for r in report.rows}
    for name, count in per_module(model).items():
        if count or name in rows:
            assert rows[name].params == count, name


def test_safetensors_header(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    model = net()
    path = tmp_path / "model.safetensors"
    save_file(dict(model.state_dict()), str(path))
    report = paramwise.read(str(path))
    check_against(report, model)
    assert report.to_json()["dtypes"]["F32"]["count"] == sum(t.numel() for t in model.state_dict().values() if t.dtype == torch.float32)
    assert report.to_json()["dtypes"]["I64"]["bytes"] == 8


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".bin"])
def test_torch_state_dict(tmp_path: Path, suffix: str) -> None:
    model = net()
    path = tmp_path / f"model{suffix}"
    torch.save(model.state_dict(), path)
    check_against(paramwise.read(str(path)), model)


def test_checkpoint_dict_finds_model_state(tmp_path: Path) -> None:
    model = net()
    opt = torch.optim.Adam(model.parameters())
    model(torch.zeros(1, 3, 8, 8)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.pth"
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer": opt.state_dict()}, path)
    report = paramwise.read(str(path))
    check_against(report, model)
    assert any("model_state_dict" in w.message for w in report.warnings)


def test_pickled_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "whole.pt"
    torch.save(net(), path)
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert "weights_only" in e.value.message and "state_dict" in e.value.hint


def test_sharded_index(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    model = net()
    state = dict(model.state_dict())
    names = list(state)
    shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2 :]}
    for shard, keys in shards.items():
        save_file({k: state[k] for k in keys}, str(tmp_path / shard))
    index = {"metadata": {"total_size": 0}, "weight_map": {k: s for s, keys in shards.items() for k in keys}}
    path = tmp_path / "model.safetensors.index.json"
    path.write_text(json.dumps(index))
    check_against(paramwise.read(str(path)), model)
    (tmp_path / "model-00002-of-00002.safetensors").unlink()
    report = paramwise.read(str(path))
    assert any(w.code == "missing_shard" for w in report.warnings)


def test_huge_truncated_file_reads_header_only(tmp_path: Path) -> None:
    """A header claiming 100 GB of tensors, in a file that holds none of them: summarized at once."""
    n = 50_000
    header: dict[str, Any] = {}
    offset = 0
    for i in range(4):
        shape = [n, n // 2]  # 1.25e9 values per tensor
        size = shape[0] * shape[1] * 2
        header[f"layers.{i}.mlp.weight"] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    path = tmp_path / "huge.safetensors"
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        f.truncate(8 + len(raw) + 1024)  # sparse: the data the header claims is not there
    report = paramwise.read(str(path))
    assert report.total == 4 * n * (n // 2)
    assert report.total_bytes == offset
    assert any(w.code == "truncated" for w in report.warnings)
    assert [r.name for r in report.rows][:3] == ["layers", "layers.0", "layers.0.mlp"]


def test_natural_order_and_nesting(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    model = nn.Sequential(*[nn.Linear(2, 2) for _ in range(12)])
    path = tmp_path / "m.safetensors"
    save_file(dict(model.state_dict()), str(path))
    report = paramwise.read(str(path))
    assert [r.name for r in report.rows] == [str(i) for i in range(12)]


def test_damaged_header(tmp_path: Path) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", 10**9) + b"{}")
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert "header claims" in e.value.message


def test_a_pt_is_read_without_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pickle is read as data: a machine without torch counts a .pt as torch does."""
    import sys

    path = tmp_path / "model.pt"
    model = net()
    torch.save(model.state_dict(), path)
    expected = sum(p.numel() for p in model.parameters())
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    assert paramwise.read(str(path)).total == expected
