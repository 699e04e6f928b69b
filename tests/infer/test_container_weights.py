"""A container row's weights (infer/rows.py WeightsBelow) are made when first read, walking into the children that
are not made yet: they must equal what renaming each child's weights at once, level by level, gives (the rule
below, as the rows were made before), on every PyTorch case, nested and tied ones among them."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import case_report
from paramwise.infer.rows import WeightsBelow
from paramwise.ir import Weight
from paramwise.report import Report, Row

torch = pytest.importorskip("torch")
from torch_oracle import build, compare, owned  # noqa: E402

CASES = Path(__file__).resolve().parent.parent / "cases"
TORCH = sorted((CASES / "torch").glob("*.py"))


def _renamed_at_once(row: Row, by_name: dict[str, Row]) -> tuple[Weight, ...]:
    """The reference: each child's weights (a container child's by this same rule), less those tied elsewhere,
    renamed from `row`; a bare tensor's own row holds the tensor under the child's name."""
    if not isinstance(row.weight_objects, WeightsBelow):
        return tuple(row.weight_objects)
    out = []
    for child, _, _, bare in row.weight_objects.parts:
        c = by_name[f"{row.name}.{child}"]
        tied = dict(c.shared)
        for w in _renamed_at_once(c, by_name):
            if w.name not in tied:
                out.append(Weight(child if bare and child == w.name else f"{child}.{w.name}", w.dims, w.trainable,
                                  w.is_buffer, w.bytes_per_value))
    return tuple(out)


def _check(report: Report) -> int:
    by_name = {r.name: r for r in report.rows}
    containers = [r for r in report.rows if isinstance(r.weight_objects, WeightsBelow)]
    for r in reversed(containers):  # the deepest first: no child is made before its parent reads it
        assert r.weight_objects == _renamed_at_once(r, by_name), r.name
        assert r.weight_objects == tuple(r.weight_objects) and hash(r.weight_objects) == hash(tuple(r.weight_objects))
    return len(containers)


@pytest.mark.parametrize("path", TORCH, ids=lambda p: p.name)
def test_each_container_holds_its_children_weights_renamed(path: Path) -> None:
    if not _check(case_report(path)):
        pytest.skip("no container rows")


def test_nested_containers_with_tied_weights(tmp_path: Path) -> None:
    """Weights tied across levels of nesting are left out of every container above the row that does not own
    them, whether the containers are read from the top (each walked into) or from the bottom (each made first)."""
    source = tmp_path / "tied.py"
    source.write_text(
        "import torch\nfrom torch import nn\n\n"
        "class ScaledLinear(nn.Linear):\n"  # a built-in with a tensor of its own: a container of its tensors
        "    def __init__(self, a, b):\n        super().__init__(a, b)\n        self.gain = nn.Parameter(torch.ones(b))\n\n"
        "class Inner(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.embed = nn.Embedding(10, 4)\n        self.head = nn.Linear(4, 10, bias=False)\n"
        "        self.head.weight = self.embed.weight\n"
        "        self.scale = nn.Parameter(torch.ones(4))\n"
        "        self.out = ScaledLinear(4, 10)\n        self.out.weight = self.embed.weight\n\n"
        "class Outer(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.block = nn.Sequential(nn.Sequential(Inner(), nn.Linear(4, 4)), nn.ReLU())\n"
        "        self.norm = nn.LayerNorm(4)\n\n"
        "model = Outer()\n")
    torch_model = build(source)["model"]
    owners = owned(torch_model)
    top_down = case_report(source)
    bottom_up = case_report(source)
    assert _check(bottom_up) == 4  # block, block.0, block.0.0, block.0.0.out (the model is the report, not a row)
    by_name = {r.name: r for r in top_down.rows}
    for name in ("block", "block.0", "block.0.0", "block.0.0.out"):  # made from the top: each walked into, none made before
        ours = sorted(w.name for w in by_name[name].weight_objects if not w.is_buffer)
        module = torch_model.get_submodule(name)  # its tensors, less those first named outside it (counted there)
        assert ours == sorted(n for n, p in module.named_parameters() if owners[id(p)] == f"{name}.{n}"), name
    assert top_down.rows == bottom_up.rows
    assert compare(top_down, torch_model) == []
    assert top_down.total == sum(p.numel() for p in torch_model.parameters())  # the tied tensor once


def test_a_child_container_tied_name_is_left_out_walked_into_or_made() -> None:
    """A child container's own tied names (names from that child) are left out whether the child is walked into
    (not made yet) or already made; a bare tensor row's tensor takes the child's name."""
    def below() -> WeightsBelow:
        leaf = (Weight("w", ()), Weight("b", ()))
        inner = WeightsBelow((("a", leaf, frozenset(), False), ("scale", (Weight("scale", ()),), frozenset(), True)))
        return WeightsBelow((("x", inner, frozenset({"a.w"}), False), ("y", leaf, frozenset({"b"}), False)))

    walked = below()
    made = below()
    made.parts[0][1].weights()  # type: ignore[attr-defined]
    expected = ["x.a.b", "x.scale", "y.w"]
    assert [w.name for w in walked] == expected and [w.name for w in made] == expected
    assert walked == made and len(walked) == 3 and walked[1].name == "x.scale"
