"""`paramwise config.json` and `paramwise MODEL_DIR` on the command line: sniffing, folders, folded repeated
blocks, the counting policy, a model_type transformers has to build, and bad configs (exit 2, located)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from paramwise.cli import main
from paramwise.frontends import ReadOptions
from paramwise.frontends.files.hf import read_config
from paramwise.infer import infer

CASES = Path(__file__).parents[3] / "cases" / "hf"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_config_is_recognised_by_its_content_and_a_folder_by_its_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = tmp_path / "mixtral.txt"
    shutil.copy(CASES / "mixtral-8x7b.json", renamed)
    folder = tmp_path / "Mixtral-8x7B-v0.1"
    folder.mkdir()
    shutil.copy(CASES / "mixtral-8x7b.json", folder / "config.json")
    (folder / "tokenizer.json").write_text("{}")
    by_file = json.loads(run([str(renamed), "--format", "json"], capsys)[1])
    code, out, _ = run([str(folder), "--format", "json", "--expand"], capsys)
    by_folder = json.loads(out)
    assert code == 0 and by_file["total"] == by_folder["total"] and by_file["model"] == "MixtralForCausalLM"
    counting = by_folder["counting"]
    assert counting["experts"] == 8 and counting["experts_per_token"] == 2
    assert counting["active"] < by_folder["total"] and "2 of 8 routed experts" in counting["policy"]
    assert by_folder["dtypes"] == {"bfloat16": {"count": by_folder["total"], "bytes": 2 * by_folder["total"]}}
    names = [layer["name"] for layer in by_folder["layers"]]
    assert "model.layers.31.mlp.experts" in names  # JSON keeps every module, named as transformers names it


def test_repeated_blocks_are_folded_in_the_table_and_expanded_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    config = str(CASES / "deepseek-v3.json")
    code, out, _ = run([config, "--depth", "2"], capsys)
    assert code == 0
    assert "model.layers.0-2 (×3) (DeepseekV3DecoderLayer)" in out  # dense layers, then the MoE ones
    assert "model.layers.3-60 (×58) (DeepseekV3DecoderLayer)" in out
    assert "model.layers.4 " not in out
    assert "Active params per token:" in out and "Counted as: DeepseekV3ForCausalLM" in out
    _, expanded, _ = run([config, "--expand"], capsys)
    assert "model.layers.60.mlp.experts (Experts)" in expanded and "(×" not in expanded


def test_the_folded_row_counts_every_block() -> None:
    report = infer(read_config(json.loads((CASES / "llama-3.1-8b.json").read_text()), "c.json", ReadOptions()).require())
    from paramwise.render import View, visible_rows

    shown = {r.name: r for r in visible_rows(report, View(depth=3))}
    every = {r.name: r for r in report.rows}
    assert shown["model.layers.0-31 (×32)"].params == every["model.layers"].params == 32 * every["model.layers.0"].params
    assert "model.layers.1" not in shown and shown["model.layers.0.self_attn"] == every["model.layers.0.self_attn"]


@pytest.mark.parametrize(("config", "where", "message"), [
    ({"model_type": "llama", "hidden_size": "big"}, "hidden_size", "must be a whole number"),
    ({"model_type": "llama", "hidden_size": 100, "num_attention_heads": 3}, "num_attention_heads", "not a multiple"),
    ({"model_type": "mixtral", "num_local_experts": -8}, "num_local_experts", "must be a whole number"),
    ({"model_type": "t5", "feed_forward_proj": 3}, "feed_forward_proj", "must be a string"),
    ({"model_type": "clip", "text_config": [1]}, "text_config", "must be an object"),
    ({"model_type": "deepseek_v3", "q_lora_rank": 0}, "q_lora_rank", "must be a whole number"),
    ({"model_type": "llama", "num_hidden_layers": 10**9}, "num_hidden_layers", "at most"),
    ({"model_type": 7}, "model_type", "no 'model_type'"),
])
def test_a_bad_value_is_an_error_at_its_key(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: dict[str, object],
                                             where: str, message: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, out, err = run([str(path)], capsys)
    assert code == 2 and out == ""
    assert f"config.json:{where}: error:" in err and message in err and "Traceback" not in err


def test_a_model_type_paramwise_does_not_describe_is_built_by_transformers_on_the_meta_device(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import torch
    import transformers

    config = {"model_type": "gpt_neo", "hidden_size": 64, "num_layers": 2, "num_heads": 4, "vocab_size": 1000,
              "max_position_embeddings": 128, "attention_types": [[["global", "local"], 1]],
              "auto_map": {"AutoModel": "somewhere.Evil"}}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, out, err = run([str(path), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    fields = {k: v for k, v in config.items() if k not in ("model_type", "auto_map")}
    with torch.device("meta"):
        model = transformers.AutoModel.from_config(transformers.GPTNeoConfig(**fields))
    assert data["total"] == sum(p.numel() for p in model.parameters())
    assert data["warnings"][0]["code"] == "meta_device" and "built GPTNeoModel on the meta device" in err
    code, _, err = run([str(path), "--no-embeddings"], capsys)
    assert code == 2 and "--no-embeddings needs a model_type paramwise describes" in err


def test_without_transformers_an_unknown_model_type_lists_the_families(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # import transformers now fails
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"model_type": "mamba2", "hidden_size": 64}))
    code, out, err = run([str(path)], capsys)
    assert code == 2 and out == ""
    assert "config.json:model_type: error: model_type 'mamba2' is not one paramwise knows" in err
    assert "llama, mistral, mixtral" in err and "whisper" in err


def test_a_model_type_nobody_knows_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"model_type": "no_such_model"}))
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "known neither to paramwise nor to transformers" in err


def test_a_folder_with_its_checkpoint_shows_both_and_says_when_they_differ(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import transformers
    from safetensors.torch import load_file, save_file

    made = transformers.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                    num_key_value_heads=2, vocab_size=1000, tie_word_embeddings=True)
    model = transformers.LlamaForCausalLM(made)
    model.save_pretrained(tmp_path)
    code, out, err = run([str(tmp_path), "--list"], capsys)
    real = sum(p.numel() for p in model.parameters())
    assert code == 0 and f"'LlamaForCausalLM', {real:,} parameters" in out and f"weights: safetensors files '{tmp_path.name}', {real:,}" in out
    code, out, err = run([str(tmp_path)], capsys)
    assert code == 0 and "stored_mismatch" not in err and "checkpoint beside the config" not in err
    tensors = load_file(tmp_path / "model.safetensors")
    del tensors["model.norm.weight"]
    save_file(tensors, tmp_path / "model.safetensors")
    code, out, err = run([str(tmp_path), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["total"] == real
    assert f"the checkpoint beside the config holds {real - 64:,} values; the config describes {real:,}" in err
    code, out, _ = run([str(tmp_path), "--model", "weights", "--format", "json"], capsys)
    assert json.loads(out)["total"] == real - 64


def test_no_embeddings_is_refused_where_it_cannot_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "net.py"
    source.write_text("import torch.nn as nn\nmodel = nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 2))\n")
    code, out, err = run([str(source), "--no-embeddings"], capsys)
    assert code == 2 and out == "" and "--no-embeddings counts Hugging Face configs and model folders only" in err
