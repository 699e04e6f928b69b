"""Live modules: paramwise.summary(module) against the module itself, for every case in tests/cases/torch/.
The user's module must come back untouched: same device, same tensors, same mode, no hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES, check_invariants

torch = pytest.importorskip("torch")
from torch_oracle import build, compare, compare_shapes, output_shapes  # noqa: E402

TORCH_CASES = sorted((CASES / "torch").glob("*.py"))


def fingerprint(model: Any) -> list[Any]:
    out: list[Any] = [model.training]
    for name, m in model.named_modules():
        out.append((name, m.training, len(m._forward_hooks), len(m._forward_pre_hooks)))
    for name, t in model.state_dict(keep_vars=True).items():
        out.append((name, t.device.type, t.data_ptr(), t.requires_grad, float(t.detach().float().sum())))
    return out


@pytest.mark.parametrize("path", TORCH_CASES, ids=[p.stem for p in TORCH_CASES])
def test_live_summary_matches_torch(path: Path) -> None:
    namespace = build(path)
    model = namespace["model"]
    before = fingerprint(model)
    shape = namespace.get("input_shape")
    report = paramwise.summary(model, input_size=shape, input_dtype=namespace.get("input_dtype"))
    assert fingerprint(model) == before
    check_invariants(report)
    assert compare(report, model) == []
    if shape is not None:
        assert [w.message for w in report.warnings if w.code == "forward_not_followed"] == []
        assert compare_shapes(report, output_shapes(model, tuple(shape), namespace.get("input_dtype"))) == []


def test_report_api() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    report = paramwise.summary(model, input_size=(1, 4))
    assert report.total == sum(p.numel() for p in model.parameters())
    assert report.trainable == report.total
    assert [r.name for r in report.layers] == ["0", "1", "2"]
    assert report.layers[2].output_shape == (1, 2)
    assert report.to_json()["total"] == report.total
    assert "<" in report._repr_html_()
    assert "Total params: 58" in str(report)


def test_forward_failure_keeps_counts() -> None:
    class Odd(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = torch.nn.Linear(3, 3)

        def forward(self, x: Any) -> Any:
            return self.fc(x) if x.sum().item() > 0 else x

    report = paramwise.summary(Odd(), input_size=(1, 3))
    assert report.total == 12
    assert any(w.code == "forward_not_followed" for w in report.warnings)


def test_kind_note_is_shown() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    report = paramwise.summary(model)
    notes = {r.name: r.note for r in report.rows}
    assert notes["1"], "BatchNorm's note on PyTorch buffers vs Keras non-trainable weights"
    assert notes["1"] not in " ".join(str(report).split())  # Keras' conventions: not in a PyTorch summary
    assert notes["1"] in " ".join(str(paramwise.summary(model, explain=True)).split())
