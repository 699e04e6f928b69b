"""Activation bytes each layer keeps for backward (Kind.saved) against torch's autograd: one module at a time,
the bytes saved_tensors_hooks sees (weights and buffers aside), with the input needing a gradient or not and
with the weights trained or frozen; one case of each covered kind, read from source like any model. And the
model's total (infer/saved.py), each tensor once: equal to autograd's where complete, never above it where a
lower bound, on whole models and every torch case with an input shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import paramwise
from helpers import CASES

torch = pytest.importorskip("torch")
from torch_oracle import autograd_saved, build  # noqa: E402

MODULES = [  # (module as written in a source file, input shape); the kinds Kind.saved covers
    ("nn.Linear(8, 4)", (2, 8)), ("nn.Linear(8, 4)", (2, 3, 8)), ("nn.Conv2d(3, 4, 3, stride=2)", (2, 3, 9, 9)),
    ("nn.Conv1d(3, 4, 3, groups=1, dilation=2)", (2, 3, 12)), ("nn.ConvTranspose2d(3, 4, 3)", (2, 3, 5, 5)),
    ("nn.ReLU()", (2, 8)), ("nn.GELU()", (2, 8)), ("nn.Sigmoid()", (2, 8)), ("nn.Tanh()", (2, 8)), ("nn.SiLU()", (2, 8)),
    ("nn.LeakyReLU()", (2, 8)), ("nn.ELU()", (2, 8)), ("nn.Softmax(dim=-1)", (2, 8)), ("nn.Dropout(0.3)", (2, 8)),
    ("nn.Dropout(0.0)", (2, 8)), ("nn.Identity()", (2, 8)), ("nn.MaxPool2d(2)", (2, 3, 8, 8)), ("nn.AvgPool2d(2)", (2, 3, 8, 8)),
    ("nn.AdaptiveAvgPool2d(1)", (2, 3, 8, 8)), ("nn.BatchNorm2d(3)", (2, 3, 4, 4)), ("nn.BatchNorm1d(5)", (4, 5)),
    ("nn.LayerNorm(8)", (2, 5, 8)), ("nn.LayerNorm((5, 8))", (2, 5, 8)), ("nn.GroupNorm(3, 6)", (2, 6, 4, 4)),
    ("nn.Flatten()", (2, 3, 4)), ("nn.Embedding(10, 4)", (2, 5)),
]


@pytest.mark.parametrize("frozen", [False, True], ids=["trained", "frozen"])
@pytest.mark.parametrize(("text", "shape"), MODULES, ids=[f"{t}{s}" for t, s in MODULES])
def test_saved_bytes_match_autograd(tmp_path: Path, text: str, shape: tuple[int, ...], frozen: bool) -> None:
    source = "import torch.nn as nn\n\n" + f"model = nn.Sequential({text})\n"
    if frozen:
        source += "for p in model.parameters():\n    p.requires_grad = False\n"
    path = tmp_path / "model.py"
    path.write_text(source)
    model = build(path)["model"].train()
    row = next(r for r in paramwise.read(str(path), input_shape=shape).rows if r.name == "0")
    # the model's input, as paramwise reads it, needs no gradient: what the layer keeps is for its weights alone
    x = torch.randint(0, 10, shape) if "Embedding" in text else torch.randn(shape)
    assert row.saved_bytes == autograd_saved(model[0], x), (text, shape, frozen)


MODELS = [  # whole models read from source: (the model's source, input shape); each tensor autograd keeps, once
    ("nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(), nn.Linear(288, 32), nn.GELU(), "
     "nn.Dropout(0.5), nn.Sequential(nn.Linear(32, 16), nn.Tanh()), nn.Identity(), nn.Dropout(0.0), nn.Linear(16, 10))",
     (2, 3, 8, 8)),
    ("nn.Sequential(nn.Embedding(50, 16), nn.LayerNorm(16), nn.Linear(16, 16), nn.Sigmoid(), nn.Flatten(), "
     "nn.Linear(80, 4), nn.Softmax(dim=-1))", (3, 5)),
    ("nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 6, 3), nn.SiLU(), "
     "nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 2))", (2, 3, 10, 10)),
]


@pytest.mark.parametrize("frozen", [False, True], ids=["trained", "first-frozen"])
@pytest.mark.parametrize(("text", "shape"), MODELS, ids=["conv-mlp", "embedding-mlp", "conv-pool"])
def test_the_activation_total_keeps_each_tensor_once(tmp_path: Path, text: str, shape: tuple[int, ...], frozen: bool) -> None:
    source = "import torch.nn as nn\n\n" + f"model = {text}\n"
    if frozen:
        source += "for p in model[0].parameters():\n    p.requires_grad = False\n"
    path = tmp_path / "model.py"
    path.write_text(source)
    model = build(path)["model"].train()
    saved = paramwise.read(str(path), input_shape=shape).meta["saved"]
    x = torch.randint(0, 50, shape) if "Embedding" in text else torch.randn(shape)
    assert saved["complete"] and saved["bytes"] == autograd_saved(model, x)
    per_row = sum(r.saved_bytes or 0 for r in paramwise.read(str(path), input_shape=shape).rows if r.parent is None)
    assert per_row >= saved["bytes"]  # the rows count a tensor two layers keep in each


def test_forward_code_of_its_own_makes_the_total_a_lower_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from paramwise.cli import main

    path = tmp_path / "net.py"
    path.write_text("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"
                    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.fc1 = nn.Linear(8, 16)\n        self.fc2 = nn.Linear(16, 4)\n\n"
                    "    def forward(self, x):\n        return self.fc2(torch.tanh(F.relu(self.fc1(x))) * 2)\n\n\n"
                    "model = Net()\n")
    model = build(path)["model"].train()
    saved = paramwise.read(str(path), input_shape=(4, 8)).meta["saved"]
    assert not saved["complete"] and saved["own_forward"] == ["Net"]
    assert saved["bytes"] < autograd_saved(model, torch.randn(4, 8))  # F.relu and torch.tanh keep their outputs too
    assert main([str(path), "--input-shape", "4,8", "--optimizer", "adam", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "training (adam): at least " in out and "activations ≥" in out and "Net's forward (its F.relu" in " ".join(out.split())
    assert main([str(path), "--optimizer", "adam", "--quiet"]) == 0
    assert "not counted: activations kept for backward: not sized" in " ".join(capsys.readouterr().out.split())


CASES_WITH_SHAPE = sorted(p for p in (CASES / "torch").glob("*.py") if re.search(r"^input_shape\s*=", p.read_text(), re.M))


def test_every_case_s_activation_total_is_exact_or_a_lower_bound() -> None:
    """On every torch case with an input shape: a complete total is what autograd saves; a lower bound is never
    above it."""
    complete, problems = 0, []
    for path in CASES_WITH_SHAPE:
        namespace = build(path)
        shape = tuple(namespace["input_shape"])
        saved = paramwise.read(str(path), input_shape=shape).meta["saved"]
        dtype = namespace.get("input_dtype")
        x = torch.zeros(shape, dtype=dtype) if dtype is not None else torch.randn(shape)
        real = autograd_saved(namespace["model"].train(), x)
        complete += saved["complete"]
        if saved["bytes"] != real if saved["complete"] else saved["bytes"] > real:
            problems.append(f"{path.stem}: paramwise {saved['bytes']} ({'complete' if saved['complete'] else 'lower bound'}), autograd {real}")
    assert problems == [] and complete >= 4 and len(CASES_WITH_SHAPE) >= 80
