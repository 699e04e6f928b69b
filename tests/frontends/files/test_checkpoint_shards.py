"""Checkpoints in several dtypes, folders of shards and a shard read alone, tied weights in a .pt: the counts
come from the torch modules (and transformers models) that wrote the files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
nn = torch.nn


def tiny_llama(dtype: Any) -> Any:
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=100, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                      num_attention_heads=2, num_key_value_heads=1)
    return transformers.LlamaForCausalLM(config).to(dtype)


def per_dtype(state: dict[str, Any]) -> dict[str, int]:
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    out: dict[str, int] = {}
    for t in state.values():
        out[names[t.dtype]] = out.get(names[t.dtype], 0) + t.numel()
    return out


def test_mixed_dtype_and_fp16_lm_checkpoints_read_with_a_per_dtype_breakdown(tmp_path: Path, capsys: Any) -> None:
    from safetensors.torch import save_file

    model = nn.Sequential(nn.Linear(8, 4), nn.LayerNorm(4), nn.Linear(4, 2))
    model[0].half()
    model[2].to(torch.bfloat16)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(tmp_path / "mixed.safetensors"))
    lm = tiny_llama(torch.float16)
    save_file({k: v.contiguous() for k, v in lm.state_dict().items()}, str(tmp_path / "lm16.safetensors"))
    torch.save(lm.state_dict(), tmp_path / "lm16.pt")
    for file, owner, expected in (("mixed.safetensors", model, per_dtype(state)),
                                  ("lm16.safetensors", lm, {"F16": lm.num_parameters()})):
        assert main([str(tmp_path / file)]) == 0
        out = capsys.readouterr().out
        report = paramwise.read(str(tmp_path / file))
        check_invariants(report)
        assert report.total == sum(p.numel() for p in owner.parameters())
        assert {k: v["count"] for k, v in report.to_json()["dtypes"].items()} == expected
        for dtype, count in expected.items():
            assert f" {dtype}: {count:,} values" in out
    assert main([str(tmp_path / "lm16.pt"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == lm.num_parameters() and data["dtypes"] == {"float16": {"count": lm.num_parameters(),
                                                                                     "bytes": 2 * lm.num_parameters()}}


def test_tied_weights_in_a_pt_are_counted_once_as_torch_does(tmp_path: Path) -> None:
    config = transformers.GPT2Config(n_layer=2, n_embd=16, n_head=2, vocab_size=100, n_positions=32)
    model = transformers.GPT2LMHeadModel(config).half()
    torch.save(model.state_dict(), tmp_path / "gpt2.bin")
    report = paramwise.read(str(tmp_path / "gpt2.bin"))
    check_invariants(report)
    assert report.total == sum(p.numel() for p in model.parameters())  # the tied lm_head once
    assert any("lm_head.weight" in line and "tied" in line for line in report.meta["notes"])


def shards(tmp_path: Path, keep_config: bool = False) -> tuple[Path, Any]:
    model = tiny_llama(torch.float16)
    folder = tmp_path / "shards"
    model.save_pretrained(folder, max_shard_size="5KB")
    if not keep_config:
        (folder / "config.json").unlink()
    return folder, model


def test_a_folder_of_shards_and_its_index_read_the_whole_model(tmp_path: Path) -> None:
    folder, model = shards(tmp_path)
    index = folder / "model.safetensors.index.json"
    assert index.exists() and len(list(folder.glob("*.safetensors"))) > 2
    for path in (folder, index):
        report = paramwise.read(str(path))
        check_invariants(report)
        assert report.total == model.num_parameters()
        rows = {r.name: r.params for r in report.rows}
        for name, module in model.named_modules():
            if name in rows:
                assert rows[name] == sum(p.numel() for p in module.parameters()), name


def test_a_shard_says_which_of_how_many_and_what_the_whole_has(tmp_path: Path) -> None:
    folder, model = shards(tmp_path)
    weight_map = json.loads((folder / "model.safetensors.index.json").read_text())["weight_map"]
    names = sorted(set(weight_map.values()))
    second = folder / names[1]
    report = paramwise.read(str(second))
    assert report.total == sum(p.numel() for n, p in model.named_parameters() if weight_map.get(n) == names[1])
    shard = report.to_json()["shard"]
    assert (shard["number"], shard["of"], shard["whole_params"]) == (2, len(names), model.num_parameters())
    assert f"Shard 2 of {len(names)}" in str(report)


def test_a_folder_of_safetensors_files_without_an_index(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    model = nn.Sequential(nn.Linear(8, 4), nn.Linear(4, 2))
    state = model.state_dict()
    save_file({k: v for k, v in state.items() if k.startswith("0.")}, str(tmp_path / "a.safetensors"))
    save_file({k: v for k, v in state.items() if k.startswith("1.")}, str(tmp_path / "b.safetensors"))
    assert paramwise.read(str(tmp_path)).total == sum(p.numel() for p in model.parameters())
    save_file({"1.bias": state["1.bias"]}, str(tmp_path / "c.safetensors"))
    assert main([str(tmp_path)]) == 2  # one tensor in two files: not the shards of one model
    (tmp_path / "c.safetensors").unlink()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.safetensors"
    save_file({"2.bias": state["1.bias"]}, str(outside))
    (tmp_path / "c.safetensors").symlink_to(outside)
    assert main([str(tmp_path)]) == 2  # a link out of the folder is not followed


def test_a_pytorch_bin_index_reads_its_bin_shards(tmp_path: Path) -> None:
    model = tiny_llama(torch.float32)
    folder = tmp_path / "bins"
    model.save_pretrained(folder, max_shard_size="20KB", safe_serialization=False)
    if not list(folder.glob("*.bin.index.json")):  # this transformers writes safetensors only: build the index here
        state = model.state_dict()
        keys = sorted(state)
        half = len(keys) // 2
        weight_map = {}
        for i, part in enumerate((keys[:half], keys[half:])):
            file = f"pytorch_model-{i + 1:05d}-of-00002.bin"
            torch.save({k: state[k] for k in part}, folder / file)
            weight_map.update(dict.fromkeys(part, file))
        for extra in folder.glob("*.safetensors*"):
            os.remove(extra)
        (folder / "pytorch_model.bin.index.json").write_text(json.dumps({"weight_map": weight_map}))
    (folder / "config.json").unlink()
    assert paramwise.read(str(folder)).total == model.num_parameters()
