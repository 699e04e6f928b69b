"""A decoder's KV cache and training memory from a Hugging Face config, against the formulas memory calculators
publish (2·layers·kv_heads·head_dim·seq·batch·bytes; mixed-precision Adam at 16 bytes per parameter), with the
sizes taken from the config itself; and --seq-len/--batch filling the open axes of a Keras model (FlopCounterMode
as the oracle)."""

from __future__ import annotations

import json
import os

import pytest

import paramwise
from helpers import CASES
from paramwise.cost import Settings, memory_terms


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
