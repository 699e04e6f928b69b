"""Module rows come in torch's `named_modules()` order: parents before children, children in the order they were
assigned, a module held twice listed once (where first met), however deep the nesting; and a module's row lists
its tensors under the names its `named_parameters()` and `named_buffers()` give them. torch is the oracle."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.torch_oracle import build, compare

import paramwise

pytest.importorskip("torch")

CASES = {
    "shared": """
        from torch import nn

        class Block(nn.Module):
            def __init__(self, shared):
                super().__init__()
                self.first = nn.Linear(4, 4)
                self.shared = shared
                self.inner = nn.Sequential(nn.ReLU(), shared, nn.Linear(4, 2))

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                common = nn.Linear(4, 4)
                self.a = Block(common)
                self.b = Block(common)
                self.tail = nn.ModuleDict({"x": nn.Linear(2, 2), "y": common})

        model = Net()
    """,
    "chain": """
        from torch import nn

        block = nn.Sequential(nn.Linear(8, 8))
        for _ in range(299):
            block = nn.Sequential(block, nn.Linear(8, 8))
        model = block
    """,
    "tree": """
        from torch import nn

        def tree(depth):
            if depth == 0:
                return nn.Linear(3, 3)
            return nn.Sequential(tree(depth - 1), nn.ReLU(), tree(depth - 1))

        model = tree(6)
    """,
    "names": """
        import torch
        from torch import nn

        class Scale(nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = nn.Parameter(torch.ones(3))
                self.register_buffer("count", torch.zeros(2))

        class Outer(nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = Scale()
                self.weight = nn.Linear(3, 3)
                self.alpha = nn.PReLU()
                self.bias = nn.Parameter(torch.ones(4))

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.outer = Outer()
                self.head = nn.Linear(3, 2)

        model = Net()
    """,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_module_rows_follow_named_modules(tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.py"
    path.write_text(textwrap.dedent(CASES[case]))
    model = build(path)["model"]
    report = paramwise.read(str(path), expand=True)
    modules = [name for name, _ in model.named_modules() if name]
    rows = {r.name for r in report.rows}
    assert [r.name for r in report.rows if r.name in set(modules)] == modules
    assert all(name in rows for name in modules)
    assert compare(report, model) == []


@pytest.mark.parametrize("case", ["chain", "names", "tree"])
def test_each_module_row_names_its_tensors_as_torch_does(tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.py"
    path.write_text(textwrap.dedent(CASES[case]))
    model = build(path)["model"]
    report = paramwise.read(str(path), expand=True)
    modules = dict(model.named_modules())
    checked = 0
    for row in report.rows:
        module = modules.get(row.name)
        if module is None or not row.name:
            continue
        theirs = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
        assert {w.name for w in row.weight_objects} == theirs, row.name
        checked += 1
    assert checked == len(modules) - 1  # every module but the model itself has its row
