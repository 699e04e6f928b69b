"""Differential tests: every model in tests/cases/torch/ is read statically by paramwise and built by real
PyTorch; totals, trainable, buffers, per-module counts (by dotted name) and output shapes must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import CASES, check_invariants

torch = pytest.importorskip("torch")
from torch_oracle import build, compare, compare_shapes, output_shapes  # noqa: E402

TORCH_CASES = sorted((CASES / "torch").glob("*.py"))
# cases that need a layer kind paramwise does not have yet: case name -> the missing kind
MISSING_KINDS: dict[str, str] = {}


def case_params() -> list[object]:
    out: list[object] = []
    for p in TORCH_CASES:
        marks = [pytest.mark.xfail(reason=f"needs the {MISSING_KINDS[p.stem]} kind", strict=False)] if p.stem in MISSING_KINDS else []
        out.append(pytest.param(p, id=p.stem, marks=marks))
    return out


@pytest.mark.parametrize("path", case_params())
def test_counts_match_torch(path: Path) -> None:
    namespace = build(path)
    shape = namespace.get("input_shape") if namespace.get("needs_input_shape") else None  # lazy modules
    report = paramwise.read(str(path), input_shape=shape)
    check_invariants(report)
    assert report.complete, [u.what for u in report.unread]  # a complete reading is the framework's count
    assert compare(report, namespace["model"]) == []


@pytest.mark.parametrize("path", case_params())
def test_output_shapes_match_torch(path: Path) -> None:
    namespace = build(path)
    shape = namespace.get("input_shape")
    if shape is None:
        pytest.skip("no input_shape in this case")
    report = paramwise.read(str(path), input_shape=tuple(shape))
    check_invariants(report)
    assert [w.message for w in report.warnings if w.code == "forward_not_followed"] == []
    assert compare(report, namespace["model"]) == []
    assert compare_shapes(report, output_shapes(namespace["model"], tuple(shape), namespace.get("input_dtype"))) == []


def test_there_are_enough_cases() -> None:
    assert len(TORCH_CASES) >= 80


# -- reader features, checked on small files written here (counts still from real torch) ----------------

NET = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, width, depth=2):
        super().__init__()
        self.stem = nn.Linear(8, width)
        self.blocks = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.norm = nn.BatchNorm1d(width)
        self.head = nn.Linear(width, 8)
        self.head.weight = self.stem.weight if width == 8 else self.head.weight

    def forward(self, x):
        x = self.stem(x)
        for b in self.blocks:
            x = torch.relu(b(x))
        return self.head(self.norm(x))


small = Net(8, depth=1)
"""


def write(tmp_path: Path, text: str, name: str = "net.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run_file(path: Path) -> dict[str, object]:
    import runpy

    return runpy.run_path(str(path), run_name="__case__")


def test_class_and_args(tmp_path: Path) -> None:
    path = write(tmp_path, NET)
    report = paramwise.read(str(path), class_name="Net", class_args=((16,), {"depth": 3}))
    model = run_file(path)["Net"](16, depth=3)  # type: ignore[operator]
    assert compare(report, model) == []
    assert [r.name for r in report.rows if r.parent == "blocks"] == ["blocks.0", "blocks.1", "blocks.2"]


def test_model_by_name_and_tied_weights(tmp_path: Path) -> None:
    path = write(tmp_path, NET + "big = Net(32)\n")
    report = paramwise.read(str(path), model="small")
    assert compare(report, run_file(path)["small"]) == []
    head = next(r for r in report.rows if r.name == "head")
    assert head.shared == (("weight", "stem.weight"),)
    assert "shared with stem.weight" in head.explanation
    assert paramwise.read(str(path)).meta["variable"] == "big"


def test_note_shown_for_torch_rows(tmp_path: Path) -> None:
    report = paramwise.read(str(write(tmp_path, NET)))
    norm = next(r for r in report.rows if r.name == "norm")
    assert norm.note and "buffers" in norm.note
    assert norm.note not in " ".join(str(report).split())  # a note on Keras' conventions: only with explain
    assert norm.note in " ".join(paramwise.read(str(write(tmp_path, NET)), explain=True).__str__().split())


def test_forward_not_followed_keeps_counts(tmp_path: Path) -> None:
    text = NET.replace("x = self.stem(x)", "x = self.stem(x)\n        x = torch.cdist(x, x)")
    path = write(tmp_path, text)
    report = paramwise.read(str(path), input_shape=(2, 8))
    assert compare(report, run_file(path)["small"]) == []
    warnings = [w for w in report.warnings if w.code == "forward_not_followed"]
    assert len(warnings) == 1 and "cdist" in warnings[0].message and warnings[0].location.line == 17
    rows = {r.name: r for r in report.rows}
    assert rows["stem"].output_shape == (2, 8) and rows["head"].output_shape is None


def test_unknown_module_is_a_question_mark(tmp_path: Path) -> None:
    text = "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(3, 4), nn.Lineer(4, 2))\n"
    report = paramwise.read(str(write(tmp_path, text)))
    assert report.rows[0].params == 16 and report.rows[1].params is None
    (warning,) = [w for w in report.warnings if w.code == "unknown_layer"]
    assert "did you mean Linear" in warning.hint and warning.location.line == 2


def test_undefined_size_is_a_symbol(tmp_path: Path) -> None:
    text = "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(n_in, 10))\n"
    report = paramwise.read(str(write(tmp_path, text)))
    assert str(report.total) == "10*n_in + 10"
    assert paramwise.read(str(write(tmp_path, text)), bindings={"n_in": 5}).total == 60


def test_value_from_code_not_run_is_an_error(tmp_path: Path) -> None:
    for line, needle in (("model = nn.Linear(args.n, 4)", "nn.Linear is given"),
                         ("model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(args.k)])", "range() is given")):
        text = f"import torch.nn as nn\nimport settings\nargs = settings.parse()\n{line}\n"
        with pytest.raises(paramwise.InputError) as e:
            paramwise.read(str(write(tmp_path, text)))
        assert needle in e.value.message and "settings.parse()" in e.value.message
        assert e.value.location is not None and e.value.location.line == 4


def test_getattr_of_a_private_name_is_not_followed(tmp_path: Path) -> None:
    text = ("import torch.nn as nn\nlayer = nn.Linear(2, 3)\nkind = getattr(layer, '__class__')\n"
            "model = nn.Sequential(layer, getattr(nn, 'ReLU')())\n")
    report = paramwise.read(str(write(tmp_path, text)))
    assert report.total == 9
    assert [w.location.line for w in report.warnings if w.code == "not_run" and w.location] == [3]


def test_forward_on_tensor_values_keeps_counts(tmp_path: Path) -> None:
    text = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass Pad(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 3)\n\n"
            "    def forward(self, x):\n        d = torch.tensor([x.size()[2] - 5])\n"
            "        return self.conv(F.pad(x, [d // 2, d - d // 2, 0, 0]))\n\nmodel = Pad()\n")
    path = write(tmp_path, text)
    report = paramwise.read(str(path), input_shape=(1, 3, 8, 8))
    assert report.total == sum(p.numel() for p in build(path)["model"].parameters())
    (warning,) = [w for w in report.warnings if w.code == "forward_not_followed"]
    assert "pad" in warning.message


def test_nothing_is_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"import os\nimport torch.nn as nn\nos.system('touch {marker}')\nopen('{marker}', 'w')\nmodel = nn.Linear(2, 2)\n"
    report = paramwise.read(str(write(tmp_path, text)))
    assert report.total == 6 and not marker.exists()


def test_no_model_found(tmp_path: Path) -> None:
    text = "import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(write(tmp_path, text)))
    assert "--class Net" in e.value.hint


def test_depth_shows_nested_rows(tmp_path: Path) -> None:
    from paramwise.cli import main

    path = write(tmp_path, NET)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([str(path), "--depth", "1", "--input-shape", "2,8"]) == 0
    text = out.getvalue()
    assert "blocks.0 (Linear)" in text and "(2, 8)" in text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([str(path)])
    assert "blocks.0" not in out.getvalue() and "blocks (ModuleList)" in out.getvalue()


def test_example_input_in_the_file(tmp_path: Path) -> None:
    text = NET.replace("small = Net(8, depth=1)", "small = Net(8, depth=1)\nout = small(torch.randn(4, 8))")
    report = paramwise.read(str(write(tmp_path, text)))
    assert {r.name: r.output_shape for r in report.rows}["head"] == (4, 8)
    assert any(w.code == "example_input" for w in report.warnings)


def test_modules_it_cannot_read_are_named(tmp_path: Path) -> None:
    text = ("import torch.nn as nn\nimport torchvision\n\nclass Net(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.backbone = torchvision.models.resnet18()\n"
            "        self.device = 'cpu'\n        self.head = nn.Linear(4, 2)\n\nmodel = Net()\n")
    report = paramwise.read(str(write(tmp_path, text)))
    assert report.total == 10
    (warning,) = [w for w in report.warnings if w.code == "unread_module"]
    assert "'backbone'" in warning.message and warning.location.line == 7
