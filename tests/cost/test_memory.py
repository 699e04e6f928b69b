"""Memory against real torch: the bytes of the weights in a dtype, of the gradients autograd makes, and of the
states each torch optimizer keeps after one step (frozen weights get neither), on cases with frozen and tied
weights; the command's budget check, columns and JSON."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

import paramwise
from helpers import CASES, ROOT
from paramwise.cost import Settings, memory_terms, size_text, with_cost

torch = pytest.importorskip("torch")
from torch_oracle import build  # noqa: E402

MEMORY_CASES = ["lenet_functional", "frozen_backbone_loop", "transformer_lm_tied", "frozen_embedding_pretrained"]
OPTIMIZERS = {  # ours -> how torch makes it
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    "adam": lambda ps: torch.optim.Adam(ps),
    "adamw": lambda ps: torch.optim.AdamW(ps),
    "adafactor": lambda ps: torch.optim.Adafactor(ps),
}


def terms(report: Any, **settings: Any) -> dict[str, int]:
    found = memory_terms(report, Settings(**settings))
    assert not isinstance(found, str), found
    inference, training = found
    return {t.name: t.bytes for t in training or inference}


def stepped(model: Any, namespace: dict[str, Any], optimizer: str) -> Any:
    """`model` after one training step with `optimizer` over its trainable parameters (a forward where the case
    gives an input, else a gradient of ones on every trainable parameter)."""
    params = [p for p in model.parameters() if p.requires_grad]
    opt = OPTIMIZERS[optimizer](params)
    shape = namespace.get("input_shape")
    if shape is not None:
        dtype = namespace.get("input_dtype") or torch.float32
        out = model(torch.zeros(tuple(shape), dtype=dtype))
        (out[0] if isinstance(out, tuple) else out).float().sum().backward()
    for p in params:
        if p.grad is None:
            p.grad = torch.ones_like(p)
    opt.step()
    return opt


def state_bytes(opt: Any) -> int:
    """Bytes of the optimizer's per-parameter tensors (the scalar step counters aside: a few bytes per tensor)."""
    return sum(v.numel() * v.element_size() for state in opt.state.values() for k, v in state.items()
               if torch.is_tensor(v) and k != "step")


@pytest.mark.parametrize("case", MEMORY_CASES)
def test_training_memory_matches_torch(case: str) -> None:
    path = CASES / "torch" / f"{case}.py"
    namespace = build(path)
    model = namespace["model"]
    shape = namespace.get("input_shape")
    report = paramwise.read(str(path), input_shape=tuple(shape) if shape else None)
    unique = {id(p): p for p in model.parameters()}.values()
    assert terms(report)["weights"] == sum(p.numel() * p.element_size() for p in unique)
    half = {id(p): p.to(torch.bfloat16) for p in unique}.values()
    assert terms(report, dtype="bf16")["weights"] == sum(p.numel() * p.element_size() for p in half)
    for optimizer in OPTIMIZERS:
        namespace = build(path)  # a fresh model: no gradients or states from the last optimizer
        opt = stepped(namespace["model"], namespace, optimizer)
        grads = {id(p): p.grad for p in namespace["model"].parameters() if p.grad is not None}.values()
        ours = terms(report, optimizer=optimizer)
        assert ours["gradients"] == sum(g.numel() * g.element_size() for g in grads), optimizer
        assert ours[f"{optimizer} states"] == state_bytes(opt), optimizer


def test_mixed_precision_keeps_an_fp32_master_copy() -> None:
    path = CASES / "torch" / "frozen_backbone_loop.py"
    report = paramwise.read(str(path))
    got = terms(report, dtype="bf16", optimizer="adam")
    buffers = build(path)["model"].buffers()
    assert got.pop("buffers") == sum(b.numel() * b.element_size() for b in buffers)  # in their own dtypes
    trainable = report.trainable
    assert got == {"weights": 2 * report.total, "gradients": 2 * trainable, "fp32 master weights": 4 * trainable,
                   "adam states": 8 * trainable}  # 16 bytes per trainable parameter, 2 per frozen one


def test_adam8bit_states_follow_bitsandbytes_blocks() -> None:
    report = paramwise.read(str(CASES / "torch" / "lenet_functional.py"), input_shape=(1, 1, 28, 28))
    sizes = [w.count for w in report.rows[0].weight_objects] + [w.count for r in report.rows[1:] for w in r.weight_objects]
    large = [n for n in sizes if n >= 4096]
    small = [n for n in sizes if n < 4096]
    want = 2 * sum(large) + 8 * sum(-(-n // 2048) for n in large) + 8 * sum(small)
    assert terms(report, optimizer="adam8bit")["adam8bit states"] == want


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from paramwise.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_budget_exits_1_naming_the_overrun(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CASES / "torch" / "lenet_functional.py")
    code, out, err = run(capsys, path, "--input-shape", "1,1,28,28", "--max-params", "10K", "--max-memory", "1GB", "--quiet")
    assert code == 1 and "over budget: params: 44,426 > 10,000 (--max-params)" in err and "memory" not in err
    code, out, err = run(capsys, path, "--input-shape", "1,1,28,28", "--max-params", "1M", "--max-memory", "500KB",
                         "--optimizer", "adam", "--quiet")
    report = paramwise.read(path, input_shape=(1, 1, 28, 28))  # fp32 weights and gradients, two fp32 moments: 16 B each
    need = 16 * report.total + report.meta["saved"]["bytes"]  # and the activations kept for backward
    assert code == 1 and f"over budget: memory: training needs {size_text(need)} > 488.28 KiB (--max-memory)" in err
    assert run(capsys, path, "--max-params", "1M", "--max-memory", "16GiB", "--quiet")[0] == 0
    code, _, err = run(capsys, path, "--max-params", "ten")
    assert code == 2 and "--max-params 'ten' is not an amount" in err


def test_macs_column_memory_section_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CASES / "torch" / "lenet_functional.py")
    code, out, _ = run(capsys, path, "--input-shape", "1,1,28,28", "--optimizer", "adamw", "--dtype", "bf16", "--quiet")
    assert code == 0 and "MACs" in out.splitlines()[2]
    assert "Forward: 281,640 MACs = 563,280 FLOPs" in out
    assert "fp32 master weights" in out and "= 44,426 trainable × 4 B (mixed precision)" in out
    code, out, _ = run(capsys, path, "--input-shape", "1,1,28,28", "--columns", "params,macs", "--quiet")
    assert "Output Shape" not in out and "MACs" in out
    code, out, _ = run(capsys, path, "--input-shape", "1,1,28,28", "--optimizer", "sgd", "--format", "json", "--quiet")
    data = json.loads(out)
    jsonschema.validate(data, json.loads((ROOT.parent / "src/paramwise/schema.json").read_text()))
    assert data["macs"] == 281640 and data["cost"]["training_flops"] == 6 * 281640
    memory = data["cost"]["memory"]
    saved = paramwise.read(path, input_shape=(1, 1, 28, 28)).meta["saved"]
    assert memory["training_bytes"] == 2 * 4 * 44426 + saved["bytes"] and saved["bytes"] > 0
    # F.relu and F.max_pool2d in its forward: what they keep is not all seen, so the activations are a lower bound
    assert memory["training"][-1]["name"] == "activations ≥" and memory["training_lower_bound"]
    assert data["layers"][0]["macs_formula"] == "1·24·24·6·1·5·5"


def test_batch_fills_an_open_batch_axis() -> None:
    report = paramwise.read(str(ROOT.parent / "examples" / "mnist_cnn.py"))
    assert str(report.macs) == "736488*batch"
    assert with_cost(report, Settings(batch=32)).macs == 32 * 736488
