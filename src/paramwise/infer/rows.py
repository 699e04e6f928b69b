"""Rows and the Report from a walk's layers and weights: each row's counts, formula and arithmetic, tied weights
counted once, containers summing their children, and the totals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import Diagnostic
from ..formula import Dim, Expr, add, evaluate, is_symbolic, render, render_count, simplify
from ..ir import Graph, Layer, Shape, Weight
from ..kinds.rows import Submodel
from ..report import Report, Row


def row_parts(layer: Layer, weights: list[Weight] | None, warnings: list[Diagnostic]) -> dict[str, Any]:
    kind = layer.kind
    if weights is None:
        return dict(
            kind=kind.kind_name, params=None, trainable_params=None, non_trainable_params=None, buffers=None,
            weight_objects=(), formula="?", formula_letters="?", explanation="unknown layer: its count is not known",
            why=kind.why(),
        )
    params = [w for w in weights if not w.is_buffer]
    expr = _formula(layer, weights, params, warnings)
    return dict(
        kind=kind.kind_name,
        params=_sum(w.count for w in params),
        trainable_params=_sum(w.count for w in params if w.trainable),
        non_trainable_params=_sum(w.count for w in params if not w.trainable),
        buffers=_sum(w.count for w in weights if w.is_buffer),
        weight_objects=tuple(weights),
        formula=render(expr) if expr is not None else "0",
        formula_letters=render(expr, "letters") if expr is not None else "0",
        explanation=explain(weights, expr),
        why=kind.why(),
        note=kind.note(),
    )


def _formula(layer: Layer, weights: list[Weight], params: list[Weight], warnings: list[Diagnostic]) -> Expr | None:
    if not params:
        return None
    plain = add(*(w.term() for w in params))
    if isinstance(layer.kind, Submodel):
        return plain
    factored = layer.kind.formula(weights)
    if factored is None:
        return plain
    if simplify(evaluate(factored) - evaluate(plain)) != 0:
        warnings.append(Diagnostic("formula_mismatch", f"{layer.name}: formula {render(factored)} != {render(plain)}"))
        return plain
    return factored


def explain(weights: list[Weight], expr: Expr | None) -> str:
    """`kernel 3×3×3×32 = 864, bias 32 → (3·3·3 + 1)·32 = 896`."""
    if expr is None:
        return "no parameters"
    parts = []
    for w in weights:
        dims = "×".join(render_count(d) if isinstance(d, int) else str(d) for d in w.shape) or "1"
        label = f"{w.name} {dims}"
        if len(w.shape) > 1:
            label += f" = {render_count(w.count)}"
        if w.is_buffer:
            label += " (buffer)"
        elif not w.trainable:
            label += " (non-trainable)"
        parts.append(label)
    return f"{', '.join(parts)} → {render(expr, 'pretty')} = {render_count(evaluate(expr))}"


def _sum(values: Any) -> Dim:
    total: Dim = 0
    for v in values:
        total = total + v
    return simplify(total)


def build_report(graph: Graph, rows: list[Row], warnings: list[Diagnostic], outs: list[Shape], ins: list[Shape]) -> Report:
    rows = _sum_children(graph, _tie_rows(graph, rows))
    top = [r for r in rows if r.depth == 0] if graph.framework == "keras" else [r for r in rows if r.parent is None]
    known = [r for r in top if r.params is not None]
    params = [w for r in known for w in r.weight_objects if not w.is_buffer and w.name not in dict(r.shared)]
    total_bytes = _sum(w.count * w.bytes_per_value for w in params)
    if "stored_bytes" in graph.meta:  # packed or quantized files: the bytes stored, not values x a whole byte size
        total_bytes = graph.meta["stored_bytes"]
    symbols = sorted({str(s) for r in rows if is_symbolic(r.params) for s in getattr(r.params, "free_symbols", ())})
    return Report(
        framework=graph.framework,
        model=graph.name,
        source=graph.source,
        rows=tuple(rows),
        total=_sum(r.params for r in known),
        trainable=_sum(r.trainable_params for r in known),
        non_trainable=_sum(r.non_trainable_params for r in known),
        buffers=_sum(r.buffers for r in known),
        total_bytes=total_bytes,
        warnings=tuple(warnings),
        output_shapes=outs,
        input_shapes=ins,
        symbols=tuple(symbols),
        meta=dict(graph.meta),
    )


def _tie_rows(graph: Graph, rows: list[Row]) -> list[Row]:
    """Remove tied weights from the counts of the row that does not own them."""
    ties = {layer.name: layer.tied for layer in graph.layers if layer.tied}
    if not ties:
        return rows
    out = []
    for r in rows:
        tied = ties.get(r.name)
        if not tied:
            out.append(r)
            continue
        shared_names = {w for w, _ in tied}
        kept = [w for w in r.weight_objects if w.name not in shared_names and not w.is_buffer]
        expr = add(*(w.term() for w in kept)) if kept else None
        out.append(
            replace(
                r,
                shared=tied,
                formula=render(expr) if expr is not None else "0",
                formula_letters=render(expr, "letters") if expr is not None else "0",
                params=_sum(w.count for w in kept),
                trainable_params=_sum(w.count for w in kept if w.trainable),
                non_trainable_params=_sum(w.count for w in kept if not w.trainable),
                explanation=explain(kept, expr) + "; " + ", ".join(f"{w} shared with {o} (counted there)" for w, o in tied),
            )
        )
    return out


def _sum_children(graph: Graph, rows: list[Row]) -> list[Row]:
    """Rows of container kinds (PyTorch modules holding modules) count what the rows under them count."""
    # a class attribute: looked up on the class (an instance lookup of a missing name goes through Kind.__getattr__)
    containers = {layer.name for layer in graph.layers if getattr(type(layer.kind), "sums_children", False)}
    if not containers:
        return rows
    children: dict[str, list[Row]] = {}
    for c in rows:
        if c.parent in containers:
            children.setdefault(c.parent, []).append(c)
    done: dict[str, Row] = {}
    for r in reversed(rows):
        if r.name in containers:
            r = _container_row(r, [done.get(c.name, c) for c in children.get(r.name, [])])
        done[r.name] = r
    return [done[r.name] for r in rows]


def _container_row(r: Row, children: list[Row]) -> Row:
    known = [c for c in children if c.params is not None]
    counted = [c for c in known if c.params != 0]
    weights = tuple(
        _renamed(w, _child_weight_name(c.name[len(r.name) + 1:], w.name))
        for c in known for w in c.weight_objects if not c.shared or w.name not in dict(c.shared)
    )
    params = _sum(c.params for c in known)
    missing = len(children) - len(known)
    shown = counted if len(counted) <= MAX_TERMS else counted[: MAX_TERMS - 2]
    terms = [f"{c.name[len(r.name) + 1:]} ({render_count(c.params)})" for c in shown]
    if len(shown) < len(counted):  # a container of 100,000 modules: the first terms, the count, the last
        last = counted[-1]
        terms += [f"... {len(counted) - len(shown) - 1:,} more", f"{last.name[len(r.name) + 1:]} ({render_count(last.params)})"]
    return replace(
        r,
        params=params,
        trainable_params=_sum(c.trainable_params for c in known),
        non_trainable_params=_sum(c.non_trainable_params for c in known),
        buffers=_sum(c.buffers for c in known),
        weight_objects=weights,
        formula=" + ".join(str(c.params) for c in counted) or "0",
        formula_letters=" + ".join(c.name[len(r.name) + 1:] for c in counted) or "0",
        explanation=f"sum of its {len(counted):,} modules: " * (len(shown) < len(counted))
        + "sum of its modules: " * (len(shown) == len(counted))
        + f"{' + '.join(terms) or '0'} = {render_count(params)}" + (f" ({missing} unknown, not counted)" if missing else ""),
    )


MAX_TERMS = 24  # terms a container's explanation lists (a container of more shows the first, the count and the last)


def _renamed(w: Weight, name: str) -> Weight:
    """`w` under another name (what `replace` does, without its per-call field lookups: containers of
    100,000 modules rename 100,000 weights)."""
    if type(w) is not Weight:
        return replace(w, name=name)
    return Weight(name, w.dims, w.trainable, w.is_buffer, w.bytes_per_value)


def _child_weight_name(child: str, weight: str) -> str:
    return child if child == weight else f"{child}.{weight}"
