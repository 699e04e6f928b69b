"""The core on its own: formulas, the walker, the report and the renderers (no framework needed)."""

from __future__ import annotations

import json

import sympy
from hypothesis import given
from hypothesis import strategies as st

from helpers import check_invariants, eval_formula
from paramwise import infer, kinds
from paramwise.errors import InputError
from paramwise.formula import Factor, evaluate, render
from paramwise.ir import Call, Graph, Layer, TensorRef, Weight
from paramwise.kinds.base import weight_plus_bias
from paramwise.kinds.rows import Input
from paramwise.render.json import render_json
from paramwise.render.markdown import render_markdown
from paramwise.render.table import render_text


def chain(shape: tuple, *layers: tuple[str, list, dict]) -> Graph:
    """A Keras Sequential-like graph: an input, then each (type, args, kwargs) applied in turn."""
    ir_layers = [Layer("input", "InputLayer", Input("keras", "InputLayer", {"shape": shape}), hidden=True)]
    calls = [Call(0, ())]
    for i, (type_name, args, kwargs) in enumerate(layers, 1):
        kind, _ = kinds.make("keras", type_name, args, kwargs)
        ir_layers.append(Layer(f"l{i}", type_name, kind))
        calls.append(Call(i, (TensorRef(i - 1),)))
    return Graph("keras", "m", tuple(ir_layers), tuple(calls), (TensorRef(0),), (TensorRef(len(calls) - 1),))


dims = st.integers(min_value=1, max_value=512)


@given(st.lists(dims, min_size=1, max_size=4), st.booleans())
def test_factored_formula_equals_the_weight_counts(shape: list[int], with_bias: bool) -> None:
    kernel = Weight("kernel", tuple(Factor(d, f"d{i}") for i, d in enumerate(shape)))
    bias = Weight("bias", (Factor(shape[-1], f"d{len(shape) - 1}"),)) if with_bias else None
    expr = weight_plus_bias(kernel, bias)
    expected = kernel.count + (bias.count if bias else 0)
    assert evaluate(expr) == expected
    assert eval_formula(render(expr)) == expected


@given(dims, dims, dims)
def test_dense_after_flatten_counts_and_explains(h: int, w: int, units: int) -> None:
    report = infer(chain((None, h, w, 3), ("Flatten", [], {}), ("Dense", [units], {})))
    check_invariants(report)
    assert report.rows[-1].params == (h * w * 3 + 1) * units  # Dense's definition, checked against Keras elsewhere


def test_symbolic_size_stays_a_formula_and_independent_counts_stay_exact() -> None:
    n = sympy.Symbol("n", integer=True, positive=True)
    report = infer(chain((None, n, n, 3), ("Conv2D", [8, 3], {"padding": "same"}), ("Flatten", [], {}), ("Dense", [2], {})))
    conv, _, dense = report.rows
    assert conv.params == 224
    assert sympy.simplify(dense.params - (8 * n * n * 2 + 2)) == 0
    assert report.symbols == ("n",)
    data = json.loads(render_json(report))
    assert data["layers"][2]["params"] == str(dense.params)


def test_kind_errors_gain_the_layer_and_its_location() -> None:
    graph = chain((None, 28, 28), ("Conv2D", [32, 3], {}))
    try:
        infer(graph)
    except InputError as e:
        assert "Conv2D 'l1' expects a 4-D input (batch, h, w, c); got (None, 28, 28)" in e.message
        assert "channel axis" in e.hint
    else:
        raise AssertionError("a Conv2D on a 3-D input must be refused")


def test_frozen_layer_counts_as_non_trainable() -> None:
    graph = chain((None, 4), ("Dense", [3], {}))
    layers = list(graph.layers)
    layers[1] = Layer("l1", "Dense", layers[1].kind, trainable=False)
    report = infer(Graph("keras", "m", tuple(layers), graph.calls, graph.inputs, graph.outputs))
    assert (report.trainable, report.non_trainable) == (0, report.total)


def test_renderers_show_every_row_and_the_totals() -> None:
    report = infer(chain((None, 8, 8, 1), ("Conv2D", [4, 3], {}), ("Flatten", [], {}), ("Dense", [2], {})))
    table, markdown = render_text(report), render_markdown(report)
    for row in report.rows:
        assert row.name in table and row.name in markdown
    assert f"Total params: {report.total:,}" in table
    assert "(3·3·1 + 1)·4" in table
    assert report._repr_html_().count("<tr>") == len(report.rows) + 1
