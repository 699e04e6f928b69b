"""What in-place activations and dropouts (inplace=True) keep for backward, against torch's autograd: per layer, the
bytes saved_tensors_hooks sees when the layer's input needs a gradient (an in-place call on the model's input,
which needs none, records nothing); and the model's total, each storage once (an in-place layer's output is its
input's storage), on torchvision-style blocks: equal to autograd's where complete, never above it where not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import paramwise

torch = pytest.importorskip("torch")
from torch_oracle import autograd_saved, build  # noqa: E402

BEFORE = {2: "nn.Linear(8, 8)", 3: "nn.Conv1d(3, 3, 1)", 4: "nn.Conv2d(3, 3, 1)", 5: "nn.Conv3d(3, 3, 1)"}
SHAPES = {2: (2, 8), 3: (2, 3, 5), 4: (2, 3, 4, 5), 5: (2, 3, 2, 3, 4)}
LAYERS = [  # (module as written, rank of its input)
    *((f"nn.{m}(inplace=True)", 2) for m in ("ReLU", "ELU", "SELU", "SiLU", "Mish", "ReLU6", "Hardswish", "Hardsigmoid",
                                             "RReLU")),
    ("nn.LeakyReLU(0.2, inplace=True)", 4), ("nn.CELU(0.5, inplace=True)", 3), ("nn.Hardtanh(-2.0, 2.0, inplace=True)", 4),
    ("nn.Threshold(0.1, 20.0, inplace=True)", 2), ("nn.ReLU(inplace=True)", 4), ("nn.SiLU(inplace=True)", 5),
    ("nn.Dropout(0.3, inplace=True)", 4), ("nn.Dropout(0.0, inplace=True)", 2), ("nn.Dropout(1.0, inplace=True)", 2),
    ("nn.Dropout1d(0.3, inplace=True)", 3), ("nn.Dropout2d(0.3, inplace=True)", 4), ("nn.Dropout3d(0.3, inplace=True)", 5),
    ("nn.Dropout2d(0.0, inplace=True)", 4),
    # the same functions not in place, as far as Kind.saved says them
    *((f"nn.{m}()", 2) for m in ("SELU", "CELU", "Mish", "Hardtanh", "ReLU6", "Hardswish", "Hardsigmoid", "RReLU")),
    ("nn.Threshold(0.1, 20.0)", 2), ("nn.Dropout(1.0)", 2), ("nn.AlphaDropout(0.2)", 2), ("nn.Dropout2d(0.3)", 4),
    ("nn.Dropout1d(0.3)", 3), ("nn.Dropout3d(0.3)", 5), ("nn.FeatureAlphaDropout(0.2)", 4),
]


def read(tmp_path: Path, text: str, shape: tuple[int, ...], frozen: str = "") -> tuple[Any, Any]:
    path = tmp_path / "model.py"
    path.write_text(f"import torch.nn as nn\n\n{text}\n{frozen}")
    return build(path)["model"].train(), paramwise.read(str(path), input_shape=shape)


@pytest.mark.parametrize(("text", "rank"), LAYERS, ids=[f"{t}-{r}d" for t, r in LAYERS])
def test_each_layer_keeps_what_autograd_keeps(tmp_path: Path, text: str, rank: int) -> None:
    shape = SHAPES[rank]
    model, report = read(tmp_path, f"model = nn.Sequential({BEFORE[rank]}, {text})\n", shape)
    row = next(r for r in report.rows if r.name == "1")
    x = model[0](torch.randn(shape))  # needs a gradient (for the weights before), not a leaf: in place is allowed
    assert row.saved_bytes == autograd_saved(model[1], x), text
    assert report.meta["saved"]["complete"], report.meta["saved"]
    assert report.meta["saved"]["bytes"] == autograd_saved(model, torch.randn(shape)), text


def test_an_alpha_dropout_in_place_is_not_said(tmp_path: Path) -> None:
    """nn.AlphaDropout's forward ignores inplace: its output is a new tensor, not its input's storage."""
    model, report = read(tmp_path, "model = nn.Sequential(nn.Linear(8, 8), nn.AlphaDropout(0.2, inplace=True), nn.Linear(8, 2))\n", (2, 8))
    x = torch.randn(2, 8, requires_grad=True) * 1
    assert model[1](x).untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
    row = next(r for r in report.rows if r.name == "1")
    assert row.saved_bytes is None
    saved = report.meta["saved"]
    assert not saved["complete"] and saved["bytes"] <= autograd_saved(model, torch.randn(2, 8))


STEM = ("nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True), "
        "nn.MaxPool2d(3, stride=2, padding=1), nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), "
        "nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True), "
        "nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2, inplace=True), nn.Linear(8, 4))")
HEAD = ("nn.Sequential(nn.Linear(16, 32), nn.SiLU(inplace=True), nn.Dropout(0.1, inplace=True), nn.Linear(32, 32), "
        "nn.Hardswish(inplace=True), nn.Linear(32, 32), nn.ReLU6(inplace=True), nn.ReLU(inplace=True), nn.Linear(32, 2))")


@pytest.mark.parametrize("frozen", ["", "for p in model[0].parameters():\n    p.requires_grad = False\n"], ids=["trained", "first-frozen"])
@pytest.mark.parametrize(("text", "shape"), [(STEM, (2, 3, 16, 16)), (HEAD, (4, 16))], ids=["conv-bn-relu", "mlp"])
def test_a_sequential_model_in_place_is_complete_and_exact(tmp_path: Path, text: str, shape: tuple[int, ...], frozen: str) -> None:
    model, report = read(tmp_path, f"model = {text}\n", shape, frozen)
    saved = report.meta["saved"]
    assert saved["complete"] and saved["missing"] == []
    assert saved["bytes"] == autograd_saved(model, torch.randn(shape))
    assert sum(r.saved_bytes for r in report.rows if r.parent is None) >= saved["bytes"]  # every row is known


BLOCK = '''
import torch.nn as nn


class BasicBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        identity = x
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)
        out += identity
        out = self.relu(out)
        return out


model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), BasicBlock(8), BasicBlock(8))
'''


def test_a_residual_block_with_in_place_relus_is_a_lower_bound_that_knows_each_layer(tmp_path: Path) -> None:
    """torchvision's BasicBlock: conv-bn-relu(inplace)-conv-bn, `out += identity`, relu(inplace). The sum is forward
    code of its own (the total is a lower bound, never above autograd's); every layer's row is known."""
    path = tmp_path / "block.py"
    path.write_text(BLOCK)
    model = build(path)["model"].train()
    report = paramwise.read(str(path), input_shape=(2, 3, 8, 8))
    saved = report.meta["saved"]
    assert not saved["complete"] and saved["own_forward"] == ["BasicBlock"]
    assert all(m.endswith("in forward") for m in saved["missing"])  # `out += identity` alone, no layer
    assert saved["bytes"] <= autograd_saved(model, torch.randn(2, 3, 8, 8))
    relus = [r for r in report.rows if r.name.endswith(".relu")]
    assert len(relus) == 2 and all(r.saved_bytes for r in relus)
    x = torch.randn(2, 8, 8, 8, requires_grad=True) * 1
    assert all(r.saved_bytes >= autograd_saved(model[1].relu, x) for r in relus)  # called twice: both calls in the row
