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


@cache
def theirs(name: str, class_name: str) -> tuple[int, dict[str, int]]:
    """transformers' model of this config on the meta device (built once per session): its total, and per
    module the parameters `named_parameters()` names directly under it (a tied tensor where first named)."""
    import torch
    import transformers

    data = config(name)
    fields = {k: v for k, v in data.items() if k not in ("model_type", "architectures", "torch_dtype")}
    made = transformers.AutoConfig.for_model(data["model_type"], **fields)
    with torch.device("meta"):
        model = getattr(transformers, class_name)(made)
    per: dict[str, int] = defaultdict(int)
    for tensor, p in model.named_parameters():
        per[tensor.rsplit(".", 1)[0] if "." in tensor else ""] += p.numel()
    return sum(per.values()), dict(per)


def ours(name: str, **options: Any) -> Report:
    found = read_config(config(name), f"{name}.json", ReadOptions(**options))
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
    assert per_module(report) == {k: v for k, v in modules.items() if v}
    for entry in report.meta.get("dtypes", {}).values():  # the config's dtype: every parameter, once
        assert entry["count"] == total


def test_every_family_has_a_published_config_here() -> None:
    assert {config(name)["model_type"] for name in CONFIGS} == set(FAMILIES)


@pytest.mark.parametrize("name", ["mixtral-8x7b", "qwen3-30b-a3b", "deepseek-v3", "qwen1.5-moe-a2.7b"])
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
