"""Hugging Face configs, counted from the config alone, against transformers' own model built from the same
config on the meta device: the total and every module's count (the parameters named under it)."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from paramwise.frontends import ReadOptions
from paramwise.frontends.files.hf import read_config
from paramwise.frontends.files.hf.families import FAMILIES
from paramwise.infer import infer
from paramwise.report import Report

CASES = Path(__file__).parents[3] / "cases" / "hf"
CONFIGS = sorted(p.stem for p in CASES.glob("*.json"))


def config(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / f"{name}.json").read_text())
    return data


def theirs(name: str, class_name: str) -> tuple[int, dict[str, int]]:
    return built(json.dumps(config(name), sort_keys=True), class_name)


@cache
def built(text: str, class_name: str) -> tuple[int, dict[str, int]]:
    """transformers' model of this config on the meta device (built once per session): its total, and per
    module the parameters `named_parameters()` names directly under it (a tied tensor where first named); under
    "(frozen)", the parameters that do not require grad."""
    import torch
    import transformers

    data = json.loads(text)
    fields = {k: v for k, v in data.items() if k not in ("model_type", "architectures", "torch_dtype")}
    made = transformers.AutoConfig.for_model(data["model_type"], **fields)
    with torch.device("meta"):
        model = getattr(transformers, class_name)(made)
    per: dict[str, int] = defaultdict(int)
    for tensor, p in model.named_parameters():
        per[tensor.rsplit(".", 1)[0] if "." in tensor else ""] += p.numel()
        if not p.requires_grad:
            per["(frozen)"] += p.numel()
    frozen = per.pop("(frozen)", 0)
    return sum(per.values()), {**per, "(frozen)": frozen}


def ours(name: str | dict[str, Any], **options: Any) -> Report:
    data = config(name) if isinstance(name, str) else name
    found = read_config(data, "config.json", ReadOptions(**options))
    return infer(found.require())


def per_module(report: Report) -> dict[str, int]:
    """The count of each module that holds tensors itself (a bare Parameter counts for the module holding it)."""
    parents = {r.parent for r in report.rows}
    out: dict[str, int] = defaultdict(int)
    for r in report.rows:
        if r.name in parents or not r.params:
            continue
        out[(r.parent or "") if r.type == "Parameter" else r.name] += r.params
    return dict(out)


@pytest.mark.parametrize("name", CONFIGS)
def test_every_published_config_counts_as_transformers_builds_it(name: str) -> None:
    report = ours(name)
    total, modules = theirs(name, report.model)
    assert report.complete
    assert report.total == total
    assert report.non_trainable == modules["(frozen)"]
    assert per_module(report) == {k: v for k, v in modules.items() if v and k != "(frozen)"}
    for entry in report.meta.get("dtypes", {}).values():  # the config's dtype: every parameter, once
        assert entry["count"] == total


def test_every_family_has_a_published_config_here() -> None:
    assert {config(name)["model_type"] for name in CONFIGS} == set(FAMILIES)


@pytest.mark.parametrize("name", ["mixtral-8x7b", "qwen3-30b-a3b", "deepseek-v3", "qwen1.5-moe-a2.7b", "gpt-oss-20b", "olmoe-1b-7b-0924", "phi-3.5-moe"])
def test_active_parameters_count_the_routed_experts_a_token_uses(name: str) -> None:
    """Active = every parameter, less the experts a token is not routed to (routers and shared experts run
    for every token). transformers' experts tensor holds all of them: its share per expert is exact."""
    import transformers  # noqa: F401 -- the oracle below

    report = ours(name)
    _, modules = theirs(name, report.model)
    data = config(name)
    experts = data.get("num_local_experts") or data.get("num_experts") or data["n_routed_experts"]
    idle = sum(n * (experts - data["num_experts_per_tok"]) // experts for m, n in modules.items() if m.endswith(".experts"))
    assert report.active == report.total - idle
    assert report.to_json()["counting"]["active"] == report.active
    assert report.to_json()["counting"]["experts_per_token"] == data["num_experts_per_tok"]


def test_dense_models_have_no_active_count() -> None:
    report = ours("llama-3.2-1b")
    assert report.active is None and report.to_json()["counting"]["active"] is None


@pytest.mark.parametrize("name", ["llama-3.1-8b", "llama-3.2-1b", "gpt2", "bert-base-uncased", "t5-small", "mixtral-8x7b"])
def test_no_embeddings_leaves_out_the_embedding_matrices(name: str) -> None:
    """Without embeddings: the total less every token and position table and the output projection, each once."""
    full, without = ours(name), ours(name, no_embeddings=True)
    _, modules = theirs(name, full.model)
    left_out = {"embed_tokens", "lm_head", "wte", "wpe", "word_embeddings", "position_embeddings",
                "token_type_embeddings", "shared"}
    embedding = sum(n for m, n in modules.items() if m.rsplit(".", 1)[-1] in left_out)
    assert without.total == full.total - embedding
    assert not without.to_json()["counting"]["embeddings"]
    if full.active is not None:
        assert without.active == full.active - embedding


def test_tied_embeddings_are_counted_once_at_the_embedding() -> None:
    report = ours("llama-3.2-1b")
    head = next(r for r in report.rows if r.name == "lm_head")
    assert head.params == 0 and head.shared == (("weight", "model.embed_tokens.weight"),)
    untied = ours("llama-3.1-8b")
    assert next(r for r in untied.rows if r.name == "lm_head").params == 128256 * 4096


# options the published configs above leave at their defaults, each on a small real config
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "falcon-rw-1b": ("falcon-7b", {"hidden_size": 2048, "num_hidden_layers": 24, "num_attention_heads": 32, "vocab_size": 50304,
                                   "alibi": True, "bias": True, "multi_query": False, "parallel_attn": False}),
    "falcon-11b": ("falcon-40b", {"hidden_size": 4096, "num_hidden_layers": 4, "num_attention_heads": 32, "num_kv_heads": 8,
                                  "num_ln_in_parallel_attn": 1, "ffn_hidden_size": 16384}),
    "deberta-v2-xlarge": ("deberta-v3-base", {"hidden_size": 1536, "num_hidden_layers": 2, "num_attention_heads": 24,
                                              "intermediate_size": 6144, "conv_kernel_size": 3, "attention_head_size": 64,
                                              "share_att_key": False, "type_vocab_size": 2, "position_biased_input": True}),
    "phi-qk-layernorm": ("phi-2", {"num_hidden_layers": 2, "qk_layernorm": True}),
    "qwen2-moe-sparse-step": ("qwen1.5-moe-a2.7b", {"num_hidden_layers": 4, "decoder_sparse_step": 2, "mlp_only_layers": [0]}),
    "qwen3-moe-dense-layers": ("qwen3-30b-a3b", {"num_hidden_layers": 4, "mlp_only_layers": [1, 3]}),
    "gpt2-cross-attention": ("gpt2", {"n_layer": 2, "n_inner": 1000, "add_cross_attention": True}),
    "llama-biases": ("llama-3.2-1b", {"num_hidden_layers": 2, "attention_bias": True, "mlp_bias": True, "head_dim": 128}),
    "mistral-nemo-head-dim": ("mistral-7b-v0.1", {"hidden_size": 5120, "num_hidden_layers": 2, "head_dim": 128, "vocab_size": 131072}),
    "deepseek-v2-q-lora": ("deepseek-v2-lite", {"num_hidden_layers": 3, "q_lora_rank": 1536, "first_k_dense_replace": 0}),
    "t5-decoder-depth": ("flan-t5-small", {"num_layers": 3, "num_decoder_layers": 1}),
    "albert-groups": ("albert-base-v2", {"num_hidden_groups": 2, "inner_group_num": 2, "num_hidden_layers": 4}),
    "opt-final-norm": ("opt-350m", {"num_hidden_layers": 2, "do_layer_norm_before": True, "word_embed_proj_dim": 1024}),
    "gptj-no-tie": ("gpt-j-6b", {"n_layer": 2, "n_inner": 8192}),
    "olmo-untied-bias": ("olmo-1b", {"num_hidden_layers": 2, "tie_word_embeddings": False, "attention_bias": True}),
    "vit-no-qkv-bias": ("vit-base-patch16-224", {"num_hidden_layers": 2, "qkv_bias": False, "image_size": 384, "patch_size": 32}),
    "electra-large": ("electra-small-discriminator", {"embedding_size": 1024, "hidden_size": 1024, "num_hidden_layers": 2,
                                                      "num_attention_heads": 16, "intermediate_size": 4096}),
    "qwen3-tied-default-kv": ("qwen3-0.6b", {"num_hidden_layers": 2, "num_key_value_heads": None}),
    # the task class the config names, where paramwise knows its head
    "bert-classifier": ("bert-base-uncased", {"num_hidden_layers": 2, "architectures": ["BertForSequenceClassification"],
                                              "id2label": {"0": "a", "1": "b", "2": "c"}}),
    "bert-pretraining": ("bert-base-uncased", {"num_hidden_layers": 2, "architectures": ["BertForPreTraining"]}),
    "roberta-classifier": ("roberta-base", {"num_hidden_layers": 2, "architectures": ["RobertaForSequenceClassification"],
                                            "id2label": {"0": "neg", "1": "neu", "2": "pos"}}),
    "distilbert-classifier": ("distilbert-base-uncased", {"n_layers": 2, "architectures": ["DistilBertForSequenceClassification"]}),
    "electra-generator": ("electra-small-discriminator", {"num_hidden_layers": 2, "architectures": ["ElectraForMaskedLM"]}),
    "deberta-mlm": ("deberta-v3-base", {"num_hidden_layers": 2, "architectures": ["DebertaV2ForMaskedLM"]}),
    "vit-classifier": ("vit-base-patch16-224", {"num_hidden_layers": 2, "id2label": {str(i): str(i) for i in range(1000)}}),
    "t5-model": ("t5-small", {"num_layers": 2, "architectures": ["T5Model"]}),
    "bart-generation": ("bart-base", {"encoder_layers": 2, "decoder_layers": 2, "architectures": ["BartForConditionalGeneration"]}),
    "llama-classifier": ("llama-3.2-1b", {"num_hidden_layers": 2, "architectures": ["LlamaForSequenceClassification"],
                                          "id2label": {"0": "no", "1": "yes", "2": "maybe"}}),
    "mistral-embedding-model": ("mistral-7b-v0.1", {"num_hidden_layers": 2, "architectures": ["MistralModel"]}),
    "mixtral-base": ("mixtral-8x7b", {"num_hidden_layers": 2, "architectures": ["MixtralModel"]}),
    "gpt2-classifier": ("gpt2", {"n_layer": 2, "architectures": ["GPT2ForSequenceClassification"]}),
    "opt-classifier": ("opt-350m", {"num_hidden_layers": 2, "architectures": ["OPTForSequenceClassification"]}),
    "falcon-base": ("falcon-7b", {"num_hidden_layers": 2, "architectures": ["FalconModel"]}),
    "deepseek-classifier": ("deepseek-v2-lite", {"num_hidden_layers": 2, "architectures": ["DeepseekV2ForSequenceClassification"]}),
    "bert-tokenclassification": ("bert-base-uncased", {"num_hidden_layers": 1, "architectures": ["BertForTokenClassification"], "num_labels": 5}),
    "bert-questionanswering": ("bert-base-uncased", {"num_hidden_layers": 1, "architectures": ["BertForQuestionAnswering"], "num_labels": 5}),
    "bert-sequenceclassification": ("bert-base-uncased", {"num_hidden_layers": 1, "architectures": ["BertForSequenceClassification"], "num_labels": 5}),
    "roberta-tokenclassification": ("roberta-base", {"num_hidden_layers": 1, "architectures": ["RobertaForTokenClassification"], "num_labels": 5}),
    "roberta-questionanswering": ("roberta-base", {"num_hidden_layers": 1, "architectures": ["RobertaForQuestionAnswering"], "num_labels": 5}),
    "roberta-sequenceclassification": ("roberta-base", {"num_hidden_layers": 1, "architectures": ["RobertaForSequenceClassification"], "num_labels": 5}),
    "albert-tokenclassification": ("albert-base-v2", {"num_hidden_layers": 1, "architectures": ["AlbertForTokenClassification"], "num_labels": 5}),
    "albert-questionanswering": ("albert-base-v2", {"num_hidden_layers": 1, "architectures": ["AlbertForQuestionAnswering"], "num_labels": 5}),
    "albert-sequenceclassification": ("albert-base-v2", {"num_hidden_layers": 1, "architectures": ["AlbertForSequenceClassification"], "num_labels": 5}),
    "electra-tokenclassification": ("electra-small-discriminator", {"num_hidden_layers": 1, "architectures": ["ElectraForTokenClassification"], "num_labels": 5}),
    "electra-questionanswering": ("electra-small-discriminator", {"num_hidden_layers": 1, "architectures": ["ElectraForQuestionAnswering"], "num_labels": 5}),
    "electra-sequenceclassification": ("electra-small-discriminator", {"num_hidden_layers": 1, "architectures": ["ElectraForSequenceClassification"], "num_labels": 5}),
    "debertav2-tokenclassification": ("deberta-v3-base", {"num_hidden_layers": 1, "architectures": ["DebertaV2ForTokenClassification"], "num_labels": 5}),
    "debertav2-questionanswering": ("deberta-v3-base", {"num_hidden_layers": 1, "architectures": ["DebertaV2ForQuestionAnswering"], "num_labels": 5}),
    "debertav2-sequenceclassification": ("deberta-v3-base", {"num_hidden_layers": 1, "architectures": ["DebertaV2ForSequenceClassification"], "num_labels": 5}),
    "distilbert-tokenclassification": ("distilbert-base-uncased", {"n_layers": 1, "architectures": ["DistilBertForTokenClassification"], "num_labels": 5}),
    "distilbert-questionanswering": ("distilbert-base-uncased", {"n_layers": 1, "architectures": ["DistilBertForQuestionAnswering"]}),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_config_options_count_as_transformers_builds_them(name: str) -> None:
    base, changes = VARIANTS[name]
    data = {**config(base), **changes}
    report = ours(data)
    total, modules = built(json.dumps(data, sort_keys=True), report.model)
    assert report.total == total
    assert report.non_trainable == modules["(frozen)"]
    assert per_module(report) == {k: v for k, v in modules.items() if v and k != "(frozen)"}


def test_only_the_names_a_family_maps_are_read() -> None:
    """gpt2 takes n_layer for num_hidden_layers (its attribute_map); llama does not, and neither reads it."""
    data = {**config("llama-3.2-1b"), "n_layer": 2}
    del data["num_hidden_layers"]
    report = ours(data)
    total, _ = built(json.dumps(data, sort_keys=True), report.model)
    assert report.total == total
