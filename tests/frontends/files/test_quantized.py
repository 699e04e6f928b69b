"""Quantized and packed safetensors checkpoints packed here, with the layouts' documented shapes, from small
torch models: the logical count equals torch's count of the unquantized model, and the storage table gives
what is stored and the bits per weight."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")
nn = torch.nn
GROUP = 32


def model() -> Any:
    torch.manual_seed(0)
    return nn.Sequential(nn.Embedding(50, 64), nn.Linear(64, 128), nn.LayerNorm(128), nn.Linear(128, 64, bias=False))


def linears(m: Any) -> dict[str, Any]:
    return {name: mod for name, mod in m.named_modules() if isinstance(mod, nn.Linear)}


def pack_rows(values: Any, bits: int) -> Any:
    """int32 words holding 32/bits values each, packed along dim 0 (GPTQ's qweight)."""
    per = 32 // bits
    rows, cols = values.shape
    v = values.to(torch.int64).reshape(rows // per, per, cols)
    out = torch.zeros(rows // per, cols, dtype=torch.int64)
    for k in range(per):
        out |= v[:, k, :] << (bits * k)
    return (out - (out >= 2**31).to(torch.int64) * 2**32).to(torch.int32)


def pack_cols(values: Any, bits: int) -> Any:
    """Packed along dim 1 (AWQ's qweight and qzeros, compressed-tensors' weight_packed)."""
    return pack_rows(values.T.contiguous(), bits).T.contiguous()


def gptq(m: Any, bits: int = 4) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        out_f, in_f = lin.weight.shape
        q = torch.randint(0, 2**bits, (in_f, out_f))
        groups = in_f // GROUP
        state[f"{name}.qweight"] = pack_rows(q, bits)
        state[f"{name}.qzeros"] = pack_cols(torch.randint(0, 2**bits, (groups, out_f)), bits)
        state[f"{name}.scales"] = torch.rand(groups, out_f, dtype=torch.float16)
        state[f"{name}.g_idx"] = torch.arange(in_f, dtype=torch.int32) // GROUP
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().half()
    return state


def awq(m: Any, bits: int = 4) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        out_f, in_f = lin.weight.shape
        groups = in_f // GROUP
        state[f"{name}.qweight"] = pack_cols(torch.randint(0, 2**bits, (in_f, out_f)), bits)
        state[f"{name}.qzeros"] = pack_cols(torch.randint(0, 2**bits, (groups, out_f)), bits)
        state[f"{name}.scales"] = torch.rand(groups, out_f, dtype=torch.float16)
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().half()
    return state


def bnb4(m: Any, blocksize: int = 64) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        n = lin.weight.numel()
        quant_state = json.dumps({"quant_type": "nf4", "blocksize": blocksize, "dtype": "float16",
                                  "shape": list(lin.weight.shape)}).encode()
        state[f"{name}.weight"] = torch.randint(0, 255, ((n + 1) // 2, 1), dtype=torch.uint8)
        state[f"{name}.weight.absmax"] = torch.randint(0, 255, (n // blocksize,), dtype=torch.uint8)
        state[f"{name}.weight.quant_map"] = torch.rand(16)
        state[f"{name}.weight.nested_absmax"] = torch.rand(max(1, n // blocksize // 256))
        state[f"{name}.weight.nested_quant_map"] = torch.rand(256)
        state[f"{name}.weight.quant_state.bitsandbytes__nf4"] = torch.tensor(list(quant_state), dtype=torch.uint8)
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().half()
    return state


def bnb8(m: Any) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        state[f"{name}.weight"] = torch.randint(-127, 127, tuple(lin.weight.shape), dtype=torch.int8)
        state[f"{name}.SCB"] = torch.rand(lin.weight.shape[0])
        state[f"{name}.weight_format"] = torch.tensor(0, dtype=torch.uint8)
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().half()
    return state


def fp8(m: Any) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        state[f"{name}.weight"] = lin.weight.detach().to(torch.float8_e4m3fn)
        state[f"{name}.weight_scale"] = torch.rand(())
        state[f"{name}.input_scale"] = torch.rand(())
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().to(torch.bfloat16)
    return state


def compressed(m: Any, bits: int = 4) -> dict[str, Any]:
    state = {}
    for name, lin in linears(m).items():
        out_f, in_f = lin.weight.shape
        state[f"{name}.weight_packed"] = pack_cols(torch.randint(0, 2**bits, (out_f, in_f)), bits)
        state[f"{name}.weight_scale"] = torch.rand(out_f, in_f // GROUP, dtype=torch.bfloat16)
        state[f"{name}.weight_shape"] = torch.tensor([out_f, in_f])
        if lin.bias is not None:
            state[f"{name}.bias"] = lin.bias.detach().to(torch.bfloat16)
    return state


CONFIGS = {
    "gptq": {"quant_method": "gptq", "bits": 4, "group_size": GROUP},
    "awq": {"quant_method": "awq", "bits": 4, "group_size": GROUP, "version": "gemm"},
    "bnb4": {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf4"},
    "bnb8": {"quant_method": "bitsandbytes", "load_in_8bit": True},
    "fp8": {"quant_method": "fp8"},
    "compressed": {"quant_method": "compressed-tensors", "format": "pack-quantized",
                   "config_groups": {"group_0": {"weights": {"num_bits": 4, "group_size": GROUP}, "targets": ["Linear"]}}},
}
PACKERS = {"gptq": gptq, "awq": awq, "bnb4": bnb4, "bnb8": bnb8, "fp8": fp8, "compressed": compressed}


def write(tmp_path: Path, layout: str, with_config: bool) -> tuple[Path, Any, dict[str, Any]]:
    m = model()
    state = PACKERS[layout](m)
    for name, t in m.state_dict().items():  # what is not packed is stored as it is
        module = name.rsplit(".", 1)[0]
        if module not in linears(m):
            state[name] = t.half()
    folder = tmp_path / layout
    folder.mkdir()
    path = folder / "model.safetensors"
    safetensors_torch.save_file(state, str(path))
    if with_config:
        (folder / "config.json").write_text(json.dumps({"model_type": "custom", "quantization_config": CONFIGS[layout]}))
    return path, m, state


# compressed-tensors keeps its bit width in its config only (without it: test_compressed_needs_its_config)
@pytest.mark.parametrize(("layout", "with_config"), [(layout, with_config) for layout in sorted(PACKERS)
                                                     for with_config in (True, False) if layout != "compressed" or with_config])
def test_logical_counts_equal_the_unquantized_model(tmp_path: Path, layout: str, with_config: bool) -> None:
    path, m, state = write(tmp_path, layout, with_config)
    report = paramwise.read(str(path))
    check_invariants(report)
    params = sum(p.numel() for p in m.parameters())
    assert report.total == params
    storage = report.to_json()["storage"]
    assert storage["logical_params"] == params
    assert storage["stored_values"] == sum(t.numel() for t in state.values())
    assert storage["stored_bytes"] == sum(t.numel() * t.element_size() for t in state.values()) == report.total_bytes
    assert storage["bits_per_weight"] == round(8 * storage["stored_bytes"] / params, 3)
    packed = [p for p in storage["policies"] if not p["policy"].startswith("unquantized")]
    assert sum(p["logical_params"] for p in packed) == sum(lin.weight.numel() for lin in linears(m).values())
    assert ("config.json" in storage["source"]) == with_config
    rows = {r.name: r for r in report.rows}
    for name, lin in linears(m).items():
        assert rows[name].params == sum(p.numel() for p in lin.parameters()), name
        weights = {w.name: tuple(w.shape) for w in rows[name].weight_objects}
        assert weights["weight"] == tuple(lin.weight.shape), name  # the unquantized layer's shape (out, in)


def test_the_table_says_which_policy_produced_each_number(tmp_path: Path, capsys: Any) -> None:
    path, m, _ = write(tmp_path, "gptq", True)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "GPTQ int4" in out and "unquantized" in out and "bits per weight" in out
    assert f"Total params: {sum(p.numel() for p in m.parameters()):,}" in out


def test_compressed_needs_its_config(tmp_path: Path, capsys: Any) -> None:
    path, _, _ = write(tmp_path, "compressed", False)
    assert main([str(path)]) == 2
    assert "num_bits" in capsys.readouterr().err


def test_a_lying_qweight_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    state = {"l.qweight": torch.zeros(3, 7, dtype=torch.int32), "l.scales": torch.zeros(1, 64, dtype=torch.float16),
             "l.qzeros": torch.zeros(1, 8, dtype=torch.int32)}
    path = tmp_path / "bad.safetensors"
    safetensors_torch.save_file(state, str(path))
    assert main([str(path)]) == 2
    assert "qweight" in capsys.readouterr().err


def test_shards_of_a_packed_model_and_a_layer_split_across_them(tmp_path: Path) -> None:
    path, m, state = write(tmp_path, "gptq", True)
    keys = sorted(state)
    parts = [[k for k in keys if not k.startswith("1.") or k == "1.qweight"], [k for k in keys if k.startswith("1.") and k != "1.qweight"]]
    weight_map = {}
    for i, part in enumerate(parts):  # layer 1's qweight in one shard, its scales, zeros and g_idx in the other
        file = f"model-{i + 1:05d}-of-00002.safetensors"
        safetensors_torch.save_file({k: state[k] for k in part}, str(path.parent / file))
        weight_map.update(dict.fromkeys(part, file))
    path.unlink()
    index = path.parent / "model.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": weight_map}))
    params = sum(p.numel() for p in m.parameters())
    assert paramwise.read(str(index)).total == params
    shards = [paramwise.read(str(path.parent / f)) for f in sorted(set(weight_map.values()))]
    assert sum(r.total for r in shards) == params
    assert all(r.to_json()["shard"]["whole_params"] == params for r in shards)


def test_mxfp4_experts_count_as_their_unpacked_parameters(tmp_path: Path) -> None:
    """gpt-oss' layout: 32 four-bit values per 16-byte block, one uint8 scale per block."""
    torch.manual_seed(0)
    experts = nn.ParameterDict({"gate_up_proj": nn.Parameter(torch.zeros(4, 128, 64)),
                                "down_proj": nn.Parameter(torch.zeros(4, 64, 64)),
                                "down_proj_bias": nn.Parameter(torch.zeros(4, 64))})
    state = {}
    for name, p in experts.items():
        if name.endswith("_bias"):
            state[f"mlp.experts.{name}"] = p.detach().to(torch.bfloat16)
            continue
        *lead, cols = p.shape
        state[f"mlp.experts.{name}_blocks"] = torch.randint(0, 255, (*lead, cols // 32, 16), dtype=torch.uint8)
        state[f"mlp.experts.{name}_scales"] = torch.randint(0, 255, (*lead, cols // 32), dtype=torch.uint8)
    path = tmp_path / "experts.safetensors"
    safetensors_torch.save_file(state, str(path))
    report = paramwise.read(str(path))
    assert report.total == sum(p.numel() for p in experts.values())
    storage = report.to_json()["storage"]
    assert storage["stored_bytes"] == sum(t.numel() * t.element_size() for t in state.values())
    assert storage["policies"][0]["bits_per_weight"] == 4.25  # 16 bytes and a 1-byte scale per 32 values
