"""A decoder's KV cache and training memory from a Hugging Face config, against the formulas memory calculators
publish (2·layers·kv_heads·head_dim·seq·batch·bytes; mixed-precision Adam at 16 bytes per parameter), with the
sizes taken from the config itself; and --seq-len/--batch filling the open axes of a Keras model (FlopCounterMode
as the oracle)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import paramwise
from helpers import CASES
from paramwise.cost import Settings, memory_section, memory_terms


@pytest.mark.parametrize("name", ["llama-3.2-1b", "mixtral-8x7b", "mistral-7b-v0.1", "qwen2-0.5b"])
def test_kv_cache_is_the_published_formula(name: str) -> None:
    path = CASES / "hf" / f"{name}.json"
    config = json.loads(path.read_text())
    report = paramwise.read(str(path))
    found = memory_terms(report, Settings(dtype="bf16", optimizer="adam", seq_len=4096, batch=3))
    assert not isinstance(found, str)
    inference, training = found
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    want = 2 * config["num_hidden_layers"] * kv_heads * head_dim * 4096 * 3 * 2
    assert {t.name: t.bytes for t in inference}["KV cache"] == want
    assert sum(t.bytes for t in training) == 16 * report.total  # bf16 weights and grads, fp32 master and moments


def test_seq_len_and_batch_fill_a_keras_sequence(capsys: pytest.CaptureFixture[str]) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("torch")
    from flops_oracle import measure_keras

    from keras_oracle import build
    from paramwise.cli import main

    path = CASES / "keras" / "b_simple_rnn.py"  # keras.Input((None, 8)): the length is open
    assert paramwise.read(str(path)).macs is None
    assert main([str(path), "--seq-len", "7", "--batch", "2", "--format", "json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    # SimpleRNN runs Keras' generic loop on torch, whose first step runs twice (see test_macs_keras.RECURRENT)
    steps = sum(r["macs"] // 7 for r in data["layers"] if r["type"] == "SimpleRNN")
    assert 2 * (data["macs"] + steps) == measure_keras(build(path), 2, 7)


# -- the KV cache as transformers holds it ---------------------------------------------------------------------

SMALL = {"hidden_size": 64, "n_embd": 64, "d_model": 64, "intermediate_size": 48, "ffn_dim": 48, "n_inner": None,
         "num_hidden_layers": 6, "n_layer": 6, "num_attention_heads": 4, "n_head": 4, "num_key_value_heads": 2,
         "num_kv_heads": 2, "head_dim": 16, "vocab_size": 96, "num_local_experts": 4, "num_experts": 4,
         "n_routed_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 32, "shared_expert_intermediate_size": 32,
         "kv_lora_rank": 24, "q_lora_rank": 40, "qk_rope_head_dim": 8, "qk_nope_head_dim": 16, "v_head_dim": 16,
         "first_k_dense_replace": 1, "ffn_hidden_size": 128, "word_embed_proj_dim": 64, "n_group": 1, "topk_group": 1,
         "max_position_embeddings": 64, "rotary_dim": 8, "pad_token_id": None, "sliding_window": 5}
WINDOWED = {"use_sliding_window": True, "sliding_window": 5}
CACHES = [  # (published config, what the variant changes): every decoder family, and each way a family slides
    *[(name, {}) for name in ("llama-3.2-1b", "mistral-7b-v0.1", "gemma-2-2b", "gemma-3-1b", "gpt-oss-20b", "starcoder2-3b",
                              "falcon-7b", "falcon-40b", "gpt2", "gpt-j-6b", "bloom-560m", "opt-350m", "pythia-160m",
                              "phi-2", "phi-3-mini-4k", "olmo-2-1124-7b", "qwen3-0.6b")],
    ("deepseek-v2-lite", {"num_key_value_heads": 4}), ("deepseek-v3", {"num_key_value_heads": 4}),
    ("gemma-3-1b", {"sliding_window_pattern": 3}),
    ("gemma-3-1b", {"layer_types": ["full_attention", "sliding_attention"] * 3}),
    ("qwen2-0.5b", {**WINDOWED, "max_window_layers": 3}), ("qwen3-0.6b", {**WINDOWED, "max_window_layers": 4}),
    ("qwen1.5-moe-a2.7b", {**WINDOWED, "max_window_layers": 4}), ("qwen3-30b-a3b", WINDOWED),
    ("smollm3-3b", WINDOWED), ("mixtral-8x7b", {"sliding_window": 5}), ("phi-3-mini-4k", {"sliding_window": 5}),
    ("phi-3.5-moe", {"sliding_window": 5}),
]


def small_config(name: str, change: dict[str, object]) -> dict[str, object]:
    config = json.loads((CASES / "hf" / f"{name}.json").read_text())
    small = {k: SMALL.get(k, v) if k in SMALL and (k != "sliding_window" or v) else v for k, v in config.items()}
    small.pop("torch_dtype", None)
    return {**small, "dtype": "float32", "pad_token_id": None, **change}


def cache_bytes(config: dict[str, object], seq: int, batch: int) -> int:
    """The bytes transformers' StaticCache for `seq` tokens holds after one forward of `batch` sequences (fp32)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    fields = {k: v for k, v in config.items() if k != "model_type"}
    built = transformers.CONFIG_MAPPING[config["model_type"]](**fields)
    model = transformers.AutoModelForCausalLM.from_config(built).eval()
    cache = transformers.StaticCache(config=built, max_cache_len=seq)
    with torch.no_grad():
        model(input_ids=torch.zeros((batch, seq), dtype=torch.long), past_key_values=cache, use_cache=True)
    return sum(t.numel() * t.element_size() for layer in cache.layers for t in (layer.keys, layer.values))


@pytest.mark.filterwarnings("ignore::FutureWarning")  # transformers renames past_key_values
@pytest.mark.parametrize(("name", "change"), CACHES, ids=[f"{n}{'-' + '-'.join(c) if c else ''}" for n, c in CACHES])
def test_kv_cache_is_transformers_cache(tmp_path: Path, name: str, change: dict[str, object]) -> None:
    config = small_config(name, change)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    found = memory_terms(paramwise.read(str(path)), Settings(dtype="fp32", seq_len=12, batch=2))
    assert not isinstance(found, str)
    assert {t.name: t.bytes for t in found[0]}["KV cache"] == cache_bytes(config, 12, 2)


def test_what_has_no_cache_or_one_not_sized_says_so(tmp_path: Path) -> None:
    settings = Settings(seq_len=64, memory=True)
    encoder = memory_section(paramwise.read(str(CASES / "hf" / "bert-base-uncased.json")), settings)
    assert encoder is not None and {"name": "KV cache", "formula": "none (an encoder keeps no KV cache)", "bytes": 0} in encoder["inference"]
    seq2seq = memory_section(paramwise.read(str(CASES / "hf" / "bart-base.json")), settings)
    assert seq2seq is not None and "KV cache" not in [t["name"] for t in seq2seq["inference"]]
    assert seq2seq["not_counted"] == ["KV cache: an encoder-decoder's KV cache (self-attention, and cross-attention over "
                                      "the encoder's length) is not sized"]
    config = {**json.loads((CASES / "hf" / "gemma-2-2b.json").read_text()), "sliding_window": "4k"}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    report = paramwise.read(str(path))  # the count does not need the window
    assert report.total == paramwise.read(str(CASES / "hf" / "gemma-2-2b.json")).total
    section = memory_section(report, settings)
    assert section is not None and "'sliding_window' must be a whole number" in section["not_counted"][0]


def test_quantized_weights_keep_a_16_bit_cache() -> None:
    config = json.loads((CASES / "hf" / "llama-3.1-8b.json").read_text())
    report = paramwise.read(str(CASES / "hf" / "llama-3.1-8b.json"))
    for dtype in ("int8", "int4", "fp16"):
        found = memory_terms(report, Settings(dtype=dtype, seq_len=1000))
        assert not isinstance(found, str)
        kv = config["num_key_value_heads"] * config["hidden_size"] // config["num_attention_heads"]
        assert {t.name: t.bytes for t in found[0]}["KV cache"] == 2 * config["num_hidden_layers"] * kv * 1000 * 2


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("model_type", ["ministral", "cohere2", "olmo3"])
def test_a_family_transformers_builds_has_its_cache_read_from_transformers(tmp_path: Path, model_type: str) -> None:
    """A model_type paramwise does not describe (built by transformers on the meta device): the layer types
    transformers' cache reads from the config, k_proj + v_proj per token."""
    config = {"model_type": model_type, "hidden_size": 64, "intermediate_size": 48, "num_hidden_layers": 5,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 96, "sliding_window": 5,
              "pad_token_id": None, "dtype": "float32"}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    report = paramwise.read(str(path))
    assert report.warnings[0].code == "meta_device"
    found = memory_terms(report, Settings(dtype="fp32", seq_len=12, batch=2))
    assert not isinstance(found, str)
    assert "sliding layers" in {t.name: t.formula for t in found[0]}["KV cache"]
    assert {t.name: t.bytes for t in found[0]}["KV cache"] == cache_bytes(config, 12, 2)


@pytest.mark.parametrize("name", ["deepseek-v3", "deepseek-v2-lite"])
def test_mla_caches_the_latent_as_the_paper_says(name: str) -> None:
    """DeepSeek-V2 (arXiv:2405.04434, Table 1): MLA keeps (d_c + d_h^R)·l elements per token, the compressed
    latent and the shared rotary key of each of the l layers."""
    config = json.loads((CASES / "hf" / f"{name}.json").read_text())
    found = memory_terms(paramwise.read(str(CASES / "hf" / f"{name}.json")), Settings(dtype="bf16", seq_len=32768, batch=2))
    assert not isinstance(found, str)
    per_token = (config["kv_lora_rank"] + config["qk_rope_head_dim"]) * config["num_hidden_layers"]
    assert {t.name: t.bytes for t in found[0]}["KV cache"] == per_token * 32768 * 2 * 2


def test_more_tokens_than_the_model_has_positions_are_said() -> None:
    settings = Settings(seq_len=4096)
    gpt2 = memory_terms(paramwise.read(str(CASES / "hf" / "gpt2.json")), settings)  # n_positions: 1,024
    llama = memory_terms(paramwise.read(str(CASES / "hf" / "llama-3.1-8b.json")), settings)
    assert not isinstance(gpt2, str) and not isinstance(llama, str)
    assert {t.name: t.formula for t in gpt2[0]}["KV cache"].endswith("(4,096 tokens > the 1,024 of max_position_embeddings)")
    assert "max_position_embeddings" not in {t.name: t.formula for t in llama[0]}["KV cache"]
