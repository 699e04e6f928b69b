"""Multiply-accumulates of Keras models against torch's FlopCounterMode under Keras' torch backend: every case
in tests/cases/keras, per layer class and in total, one forward each."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from helpers import CASES
from paramwise.frozen import replace

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("torch")
keras = pytest.importorskip("keras")
from flops_oracle import counted  # noqa: E402

from keras_oracle import build  # noqa: E402
from paramwise.formula import simplify, symbol  # noqa: E402
from paramwise.frontends import ReadOptions, read_path  # noqa: E402
from paramwise.infer import infer  # noqa: E402

KERAS_CASES = sorted((CASES / "keras").glob("*.py"))
BATCH, SEQ_LEN = 2, 7  # the sizes given to open axes: the batch stays a symbol in paramwise's formulas
# an open axis that meets a known one (`a + b` with a of (None, None, 8) and b of (None, 10, 8)) must have its size
SEQ_LENS = {"a_ops_broadcast": 10}
# Keras' generic recurrent loop on the torch backend (keras/src/backend/torch/rnn.py) runs the first step again
# before the loop, to learn the output's structure (a stack of cells: twice), so torch counts a step or two more
# than the layer's sequence needs; LSTM and GRU with their default activations take torch's fused kernel and
# do not. paramwise counts the sequence's steps; the test accepts those repeated steps, layer by layer.
RECURRENT = {"SimpleRNN", "GRU", "LSTM", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}
# Kinds that only move values: a row of one left uncounted (an open axis) does no products in torch either
MOVES_ONLY = {"Reshape", "Flatten", "Permute", "RepeatVector"}
# The one case Keras cannot run here: LayerNormalization over axes (1, 2) of a 4-D input fails on the torch backend
# ("Given normalized_shape=[5, 7], expected input with shape [*, 5, 7]"); its products are those of no layer (0).
KERAS_CANNOT_RUN = {"b_layernorm"}


def input_shapes(path: Path, model: Any, report: Any) -> list[tuple[tuple[int, ...], bool]]:
    """(shape, holds integers) of each input, its open axes sized: from the model's symbolic inputs, or for a
    subclassed model (none) from the input its file calls it on, as paramwise read it."""
    seq = SEQ_LENS.get(path.stem, SEQ_LEN)
    if hasattr(model, "inputs"):
        return [(tuple((BATCH if i == 0 else seq) if d is None else d for i, d in enumerate(t.shape)), "int" in str(t.dtype))
                for t in model.inputs]
    return [(tuple((BATCH if i == 0 else seq) if d is None else d for i, d in enumerate(s)), False)
            for s in report.input_shapes]


def oracle(model: Any, shapes: list[tuple[tuple[int, ...], bool]]) -> tuple[int, dict[str, int]] | str:
    """(total FLOPs, FLOPs per layer class) of one forward on zeros, or why the model cannot be run here."""
    import sys

    import torch

    xs = [torch.zeros(shape, dtype=torch.int64 if ints else torch.float32) for shape, ints in shapes]
    # Keras' preprocessing layers ask a module named tensorflow whether it runs eagerly: the test's stand-in
    # (keras_oracle.install_tensorflow_alias) answers as TensorFlow would outside a graph
    stand_in = sys.modules.get("tensorflow")
    if getattr(stand_in, "_paramwise_alias", False) and not hasattr(stand_in, "executing_eagerly"):
        stand_in.executing_eagerly = lambda: True  # type: ignore[union-attr]
    try:
        with torch.no_grad():
            counter = counted(model, xs[0] if len(xs) == 1 else xs)
    except Exception as e:  # noqa: BLE001 (the oracle's own failure: reported as the reason to skip)
        return f"Keras cannot run it on zeros here: {str(e).splitlines()[0][:160]}"
    by_class = {name: int(sum(ops.values())) for name, ops in counter.get_flop_counts().items() if "." not in name}
    return int(counter.get_total_flops()), by_class


def ours(path: Path, model: Any) -> Any:
    """paramwise's report with the open axes but the batch given their size, as the oracle's zeros have them."""
    found, chosen = read_path(str(path), ReadOptions())
    graph = found[chosen].require()
    if not hasattr(model, "inputs"):  # subclassed: the input its file calls it on
        report = infer(graph)
        return infer(graph, input_shapes=[(None, *s[0][1:]) for s in input_shapes(path, model, report)])
    seq = SEQ_LENS.get(path.stem, SEQ_LEN)
    shapes = [tuple(seq if d is None and i else d for i, d in enumerate(t.shape)) for t in model.inputs]
    return infer(graph, input_shapes=shapes)


def value(n: Any) -> int:
    return n if isinstance(n, int) else int(n.subs({symbol("batch"): BATCH}))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in KERAS_CASES])
def test_macs_match_flop_counter(path: Path) -> None:
    model = build(path)
    report = ours(path, model)
    measured = oracle(model, input_shapes(path, model, report))
    if isinstance(measured, str):
        assert path.stem in KERAS_CANNOT_RUN, measured
        pytest.skip(measured)
    total, by_class = measured
    if report.macs is None:  # an axis Keras' own shapes leave open (EinsumDense's output_shape=(None, ...))
        assert all("open" in m for m in report.macs_missing), report.macs_missing
        assert all(r.type in MOVES_ONLY for r in report.rows if r.macs is None and r.kind != "Input" and r.depth == 0)
        report = replace(report, macs=simplify(sum((r.macs for r in report.rows if r.depth == 0 and r.macs is not None), 0)))
    classes = {layer.name: type(layer).__name__ for layer in model._flatten_layers(include_self=False)}
    top = [r for r in report.rows if r.depth == 0 and r.kind != "Input"]
    # torch names a module by its class: layers of one class are compared together, where the model nests no
    # Sequential or Functional model (whose layers torch files under their own classes as well) and is not
    # subclassed (torch files the layers kept as attributes under the model's name: `Net.conv`)
    nested = not hasattr(model, "inputs") or any(classes.get(r.name) in ("Sequential", "Functional") for r in top)
    mine: dict[str, int] = {}
    extras: dict[str, set[int]] = {}
    for row in [] if nested else top:
        name = classes.get(row.name, row.type)
        macs = value(row.macs) if row.macs is not None else 0  # a row that only moves values (MOVES_ONLY)
        mine[name] = mine.get(name, 0) + macs
        step = macs // row.input_shapes[0][1] if name in RECURRENT and len(row.input_shapes[0]) >= 3 else 0
        extras[name] = {e + k * step for e in extras.get(name, {0}) for k in (0, 1, 2)}
    extra = 0
    problems = []
    for name, macs in mine.items():
        theirs = by_class.get(name, 0)
        repeated = [e for e in sorted(extras[name]) if 2 * (macs + e) == theirs]
        if repeated:
            extra += repeated[0]  # steps Keras' loop runs again (see RECURRENT)
            continue
        problems.append(f"{name}: paramwise {2 * macs} FLOPs, torch {theirs}")
    if nested:  # the total alone: any step repeated by Keras' loop is one of the recurrent rows' steps
        steps = [value(r.macs) // r.input_shapes[0][1] for r in report.rows
                 if r.macs is not None and classes.get(r.name) in RECURRENT and len(r.input_shapes[0]) >= 3]
        options = {0}
        for step in steps:
            options = {e + k * step for e in options for k in (0, 1, 2)}
        extra = next((e for e in sorted(options) if 2 * (value(report.macs) + e) == total), 0)
    if 2 * (value(report.macs) + extra) != total:
        problems.append(f"total: paramwise {2 * value(report.macs)} FLOPs (+{2 * extra} for repeated steps), torch {total}")
    assert problems == []
