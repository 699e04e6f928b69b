"""Hugging Face configs: how fast paramwise counts them from the config alone, against transformers building
the same model on the meta device (no weights, no memory for them), and what a 1-trillion-parameter MoE costs.

    python benchmarks/hf_configs.py            Mixtral-8x7B (tests/cases/hf/mixtral-8x7b.json) and a Kimi-K2-like
                                               config (deepseek_v3 layout, 384 routed experts, 61 layers)

Each figure is the best of a few runs in this process (imports and the first call excluded); the memory is the
peak of Python allocations during one read (tracemalloc) and the process' peak resident size at the end.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peers import TRANSFORMERS_META  # noqa: E402

from paramwise.frontends import ReadOptions  # noqa: E402
from paramwise.frontends.files.hf import read_config  # noqa: E402
from paramwise.infer import infer  # noqa: E402
from paramwise.report import Report  # noqa: E402

MIXTRAL = json.loads((ROOT / "tests/cases/hf/mixtral-8x7b.json").read_text())
DEEPSEEK = json.loads((ROOT / "tests/cases/hf/deepseek-v3.json").read_text())
KIMI_LIKE = {**DEEPSEEK, "num_attention_heads": 64, "num_key_value_heads": 64, "n_routed_experts": 384,
             "first_k_dense_replace": 1, "n_group": 1, "topk_group": 1, "vocab_size": 163840}


def paramwise(config: dict[str, Any]) -> Report:
    return infer(read_config(config, "config.json", ReadOptions()).require())


def best(fn: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def transformers_meta(config: dict[str, Any]) -> int:
    import torch
    import transformers

    fields = {k: v for k, v in config.items() if k not in ("model_type", "architectures", "torch_dtype")}
    made = transformers.AutoConfig.for_model(config["model_type"], **fields)
    with torch.device("meta"):
        model = transformers.AutoModelForCausalLM.from_config(made)
    return sum(p.numel() for p in model.parameters())


def cold(command: list[str]) -> float:
    """Seconds a fresh process takes to answer (what a person waits for at the prompt): best of 3."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:  # first, while no other child has run: its peak memory is its own
        path = Path(folder) / "config.json"
        path.write_text(json.dumps(KIMI_LIKE))
        kimi_cold = cold([sys.executable, "-m", "paramwise", str(path), "--format", "json"])
        kimi_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    paramwise(MIXTRAL)  # imports and first-call costs out of the figures
    ours, report = best(lambda: paramwise(MIXTRAL), 5)
    print(f"Mixtral-8x7B: paramwise {report.total:,} params ({report.active:,} active) in {ours * 1000:.1f} ms")
    try:
        import transformers  # noqa: F401
    except ImportError:
        print("  transformers is not installed: no comparison")
    else:
        transformers_meta(MIXTRAL)
        theirs, total = best(lambda: transformers_meta(MIXTRAL), 2)
        same = "same count" if total == report.total else f"DIFFERENT count {total:,}"
        print(f"  transformers on the meta device: {theirs * 1000:.0f} ms ({same}); paramwise is {theirs / ours:.1f}× faster "
              "(both warm, in one process)")
        path = ROOT / "tests/cases/hf/mixtral-8x7b.json"
        ours_cold = cold([sys.executable, "-m", "paramwise", str(path), "--format", "json"])
        theirs_cold = cold([sys.executable, "-c", TRANSFORMERS_META, str(path)])
        print(f"  a fresh process, imports included: paramwise {ours_cold:.2f} s, transformers {theirs_cold:.2f} s "
              f"({theirs_cold / ours_cold:.1f}× faster)")

    seconds, report = best(lambda: paramwise(KIMI_LIKE), 5)
    tracemalloc.start()
    paramwise(KIMI_LIKE)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"Kimi-K2-like (deepseek_v3, 384 experts): {report.total:,} params ({report.active:,} active) in "
          f"{seconds * 1000:.1f} ms; {peak / 2**20:.1f} MiB allocated while reading; process peak {rss:.0f} MiB "
          f"(with transformers and torch imported above)")
    print(f"  a fresh `paramwise config.json --format json`: {kimi_cold:.2f} s, peak resident memory {kimi_rss:.0f} MiB")


if __name__ == "__main__":
    main()
