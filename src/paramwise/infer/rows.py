"""Rows and the Report from a walk's layers and weights: each row's counts, formula and arithmetic, tied weights
counted once, containers summing their children, and the totals."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import Diagnostic, KindError
from ..formula import (
    BatchScaled,
    Dim,
    Expr,
    PerBatch,
    add,
    evaluate,
    is_symbolic,
    per_batch,
    render,
    render_count,
    simplify,
    symbol,
)
from ..frozen import replace
from ..ir import Graph, Layer, Shape, TensorRef, Weight
from ..kinds.base import INPUT, ZERO
from ..kinds.rows import Buffer, Parameter, Submodel
from ..report import Report, Row
from .keys import KeyMemo, kind_key

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .saved import TrainingForward


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
    """The sum of counts. The `n·batch` counts (PerBatch) among them are added as numbers and made into one at the
    end: the same value as adding them one by one, without a record made for each partial sum (a 10,000-layer
    model's products made 10,000)."""
    total: Dim = 0
    batch = 0
    for v in values:
        if type(v) is PerBatch:
            batch += v.n
        else:
            total = total + v
    return simplify(total + per_batch(batch) if batch else total)


def build_report(graph: Graph, rows: list[Row], warnings: list[Diagnostic], outs: list[Shape], ins: list[Shape],
                 hidden: list[tuple[Layer, list[Shape] | None, int]] | None = None,
                 shapes: dict[TensorRef, Shape] | None = None, memo: KeyMemo | None = None,
                 again: list[Row] | None = None) -> Report:
    """`hidden`: the tensor operations of forward that have no row (layer, first inputs, calls), for the MACs;
    `shapes`: every tensor's shape, for the activations kept for backward; `again`: rows of layers whose weights
    another row holding the same layer object counts already (taken out of the totals)."""
    rows = _sum_children(graph, _tie_rows(graph, rows))
    rows, macs, missing = with_macs(graph, rows, hidden or [], memo)
    saved = None
    if graph.framework == "torch":  # what autograd keeps: only a PyTorch forward that was followed (saved.py)
        from .saved import TrainingForward, saved_total

        forward = TrainingForward(graph, rows, shapes or {})  # the calls autograd records, for the two below
        rows = with_saved(graph, rows, forward)
        saved = saved_total(graph, forward)  # the activations kept for backward, each tensor once
    top = [r for r in rows if r.depth == 0] if graph.framework == "keras" else [r for r in rows if r.parent is None]
    known = [r for r in top if r.params is not None]
    params = [w for r in known for w in r.weight_objects if not w.is_buffer and w.name not in dict(r.shared)]
    total_bytes = _sum(w.count * w.bytes_per_value for w in params)
    counted = known
    if again:  # taken out as negative rows: each total below sums the same list
        twice = [r for r in again if r.params is not None]
        counted = known + [replace(r, params=-r.params, trainable_params=-r.trainable_params,
                                   non_trainable_params=-r.non_trainable_params) for r in twice]
        total_bytes = total_bytes - _sum(w.count * w.bytes_per_value for r in twice for w in r.weight_objects
                                         if not w.is_buffer)
    if "stored_bytes" in graph.meta:  # packed or quantized files: the bytes stored, not values x a whole byte size
        total_bytes = graph.meta["stored_bytes"]
    symbols = sorted({str(s) for r in rows if type(r.params) is not int and is_symbolic(r.params)
                      for s in getattr(r.params, "free_symbols", ())})
    return Report(
        framework=graph.framework,
        model=graph.name,
        source=graph.source,
        rows=tuple(rows),
        total=_sum(r.params for r in counted),
        trainable=_sum(r.trainable_params for r in counted),
        non_trainable=_sum(r.non_trainable_params for r in counted),
        buffers=_sum(r.buffers for r in known),
        total_bytes=total_bytes,
        warnings=tuple(warnings),
        output_shapes=outs,
        input_shapes=ins,
        symbols=tuple(symbols),
        meta={**graph.meta, "saved": saved} if saved else dict(graph.meta),
        macs=macs,
        macs_missing=missing,
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
    tensors = {layer.name for layer in graph.layers if isinstance(layer.kind, (Parameter, Buffer))}  # one tensor each
    done: dict[str, Row] = {}
    for r in reversed(rows):
        if r.name in containers:
            r = _container_row(r, [done.get(c.name, c) for c in children.get(r.name, [])], tensors)
        done[r.name] = r
    return [done[r.name] for r in rows]


def _container_row(r: Row, children: list[Row], tensors: set[str]) -> Row:
    known = [c for c in children if c.params is not None]
    counted = [c for c in known if c.params != 0]
    weights = _children_weights(r, known, tensors)
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


def _children_weights(r: Row, children: list[Row], tensors: set[str]) -> WeightsBelow:
    """Every weight of the children but those tied to another row, named from `r` as torch's `named_parameters()`
    of that module names them: `layer1.0.conv1.weight`; a bare parameter's or buffer's own row `scale` holds the
    tensor `scale`, named `scale` here (`tensors`: the rows that are one Parameter or Buffer); a module named `scale`
    (or `weight`) prefixes its tensors as any other does."""
    cut = len(r.name) + 1
    return WeightsBelow(tuple((c.name[cut:], c.weight_objects, frozenset(dict(c.shared)), c.name in tensors)
                              for c in children))


class WeightsBelow(Sequence[Weight]):
    """A container row's weights (see _children_weights), made when first read. Made at once, a chain of nested
    containers copied and renamed each weight once per level above it: 200 nested Sequentials made 40,000 Weight
    objects, with names of up to 400 characters, for the 400 weights of the top row, and only the rows shown and
    the top rows' weights are ever read. Its parts are the children's names and weights, which do not change, so
    it is made once and is then a tuple: equal to, and hashed as, the tuple of its weights."""

    __slots__ = ("parts", "_made")

    def __init__(self, parts: tuple[tuple[str, Sequence[Weight], frozenset[str], bool], ...]) -> None:
        self.parts = parts  # each child: its name from the container, its weights, those tied elsewhere, a bare tensor
        self._made: tuple[Weight, ...] | None = None

    def weights(self) -> tuple[Weight, ...]:
        if self._made is None:
            self._made = tuple(w if w.name == name else Weight(name, w.dims, w.trainable, w.is_buffer, w.bytes_per_value)
                               if type(w) is Weight else replace(w, name=name) for name, w in self._named())
        return self._made

    def _named(self) -> list[tuple[str, Weight]]:
        """(the name from this container, the weight as its own row made it) for each weight, in order. A child
        container not yet made is walked into rather than made: each weight is renamed once, however deep."""
        out: list[tuple[str, Weight]] = []
        # each frame: the parts left, the prefix of their names, and the tied names its own child leaves out
        stack: list[tuple[Iterator[tuple[str, Sequence[Weight], frozenset[str], bool]], str, tuple[int, int, frozenset[str]] | None]]
        stack = [(iter(self.parts), "", None)]
        while stack:
            parts, outer, _ = stack[-1]
            part = next(parts, None)
            if part is None:
                _, _, tied = stack.pop()
                if tied:  # names from the child: what follows the child's own name and its dot
                    start, cut, skip = tied
                    out[start:] = [(n, w) for n, w in out[start:] if n[cut:] not in skip]
                continue
            child, weights, skip, bare = part
            head = outer + child
            if type(weights) is WeightsBelow and weights._made is None:
                stack.append((iter(weights.parts), head + ".", (len(out), len(head) + 1, skip) if skip else None))
                continue
            for w in weights:
                if w.name not in skip:
                    out.append((head if bare and child == w.name else f"{head}.{w.name}", w))
        return out

    def __len__(self) -> int:
        return len(self.weights())

    def __getitem__(self, index: Any) -> Any:  # a Weight, or a tuple of them for a slice
        return self.weights()[index]

    def __iter__(self) -> Iterator[Weight]:
        return iter(self.weights())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WeightsBelow):
            return self.weights() == other.weights()
        return self.weights() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.weights())

    def __repr__(self) -> str:
        return repr(self.weights())


# -- multiply-accumulates ---------------------------------------------------------------------------------
# The batch axis the input leaves open (Keras' None) is the size `batch` in the formulas; any other open axis
# (a sequence length, an image size) leaves the products unknown until it is given (--seq-len, --input-shape):
# shape inference keeps None through layers that change it (a valid convolution), so no one name could stand for it.
BATCH = "batch"
NOT_CALLED = "not called: no input shape reached it"


class OpenAxis(ValueError):
    """An input axis other than the batch is open (None)."""


def with_macs(graph: Graph, rows: list[Row], hidden: list[tuple[Layer, list[Shape] | None, int]],
              memo: KeyMemo | None = None) -> tuple[list[Row], Dim, tuple[str, ...]]:
    """Each row's multiply-accumulates (its kind's formula on its input shapes, times its calls), containers the
    sum of theirs, rows inside a built-in module counted on that module; and the model's total with the tensor
    operations of forward (hidden rows). The total is None, with what is missing, when anything is not counted."""
    layers = {layer.name: layer for layer in graph.layers if not layer.hidden}
    by_name = {r.name: r for r in rows}
    containers = {name for name, layer in layers.items() if getattr(type(layer.kind), "sums_children", False)}
    out: list[Row] = []  # by position: a nested Keras model's rows may bear the names of the outer model's layers
    owners: list[Row] = []  # rows whose kind counts its own products: the total sums these
    ran = any(r.calls for r in rows) or any(calls for _, _, calls in hidden)  # forward was followed from an input
    same: dict[Any, tuple[Dim, str, str]] = {}  # one call's products by (kind, attributes, input shapes): see _kind_macs
    memo = KeyMemo() if memo is None else memo  # kind_key's memo of each kind's attributes (infer's walk passes its own)
    idle: dict[int, bool] = {}  # by kind object: a parameter or buffer that computes nothing (asked once per kind)
    ancestors: dict[str, str | None] = {}  # by container row: the built-in module enclosing it (see _built_in_ancestor)
    for r in rows:
        layer = layers.get(r.name)
        if layer is not None and (layer.depth != r.depth or layer.parent != r.parent):
            layer = None  # a row of a nested model's own walk (its products are counted there), not this layer's
        if layer is None or r.name in containers:
            out.append(r)
            continue
        inside = _built_in_ancestor(r, by_name, containers, ancestors)
        if inside is not None:
            out.append(replace(r, macs=None, macs_formula=f"counted in '{inside}'", macs_letters=""))
        else:
            out.append(_row_macs(layer, r, ran, same, memo, idle))
            owners.append(out[-1])
    ops = [_op_macs(layer, ins, calls, same, memo) for layer, ins, calls in hidden]
    products = [m for m in ops if m[0] != 0]
    if containers:
        children: dict[str, list[int]] = {}
        for i, c in enumerate(rows):
            if c.parent in containers:
                children.setdefault(c.parent, []).append(i)
        for i in range(len(rows) - 1, -1, -1):  # containers sum their children (listed after them)
            if rows[i].name in containers:
                out[i] = _container_macs(out[i], [out[j] for j in children.get(rows[i].name, [])], products)
    if not any(r.calls for r in out) and not any(calls for _, _, calls in hidden):
        return out, None, ("no input shape: give one with --input-shape",)
    missing = [f"{r.type} '{r.name}': {r.macs_formula}" for r in owners if r.macs is None]
    missing += [f"{layer.type} '{layer.name}' in forward: {text}" for (layer, _, _), (value, text, _) in zip(hidden, ops) if value is None]
    if missing:
        return out, None, tuple(missing)
    return out, _sum([r.macs for r in owners] + [m[0] for m in ops]), ()


def _built_in_ancestor(r: Row, by_name: dict[str, Row], containers: set[str], found: dict[str, str | None]) -> str | None:
    """The nearest enclosing row that is a built-in module (not a container): it counts this row's products.
    `found`: the answer for each parent already asked (rows come parents first, so a chain of n nested
    containers is n steps, not n²/2)."""
    parent = r.parent
    passed: list[str] = []
    answer: str | None = None
    while parent is not None and parent in by_name:
        if parent in found:
            answer = found[parent]
            break
        if parent not in containers and by_name[parent].kind != "Submodel" and by_name[parent].kind != "Model":
            answer = parent
            break
        passed.append(parent)
        parent = by_name[parent].parent
    for name in passed:  # each container passed on the way up has the same answer for its own rows
        found[name] = answer
    return answer


def open_shape(shape: Any) -> Any:
    """`shape` with its open batch axis named: (None, 64) -> (batch, 64); OpenAxis for any other open axis."""
    if not isinstance(shape, (tuple, list)):
        return shape
    if shape and isinstance(shape[0], (tuple, list)):
        return [open_shape(s) for s in shape]
    if any(d is None for d in shape[1:]):
        raise OpenAxis(f"the input leaves an axis of {tuple(shape)} open: give its size (--seq-len or --input-shape)")
    return tuple(symbol(BATCH) if d is None else d for d in shape)


def _row_macs(layer: Layer, r: Row, ran: bool, same: dict[Any, tuple[Dim, str, str]],
              memo: KeyMemo, idle: dict[int, bool]) -> Row:
    if not r.calls:
        kind = layer.kind
        nothing = idle.get(id(kind))  # the graph keeps every kind alive for the walk: ids are not reused
        if nothing is None:
            nothing = idle[id(kind)] = kind.n_inputs[0] == 0 and _does_nothing(kind)
        if nothing:
            return replace(r, macs=0, macs_formula="0", macs_letters="0")  # a parameter or buffer: used elsewhere
        if ran:  # the model's forward was followed and never called it: it computes nothing (as torch counts)
            return replace(r, macs=0, macs_formula="0 (not called in forward)", macs_letters="0")
        return replace(r, macs=None, macs_formula=NOT_CALLED, macs_letters="")
    if isinstance(layer.kind, Submodel):
        from . import infer

        inner = infer(layer.kind.graph, input_shapes=layer.kind.inner_inputs(list(r.input_shapes)))
        if inner.macs is None:
            return replace(r, macs=None, macs_formula="; ".join(inner.macs_missing[:3]), macs_letters="")
        value, text, letters = inner.macs, f"sum of its layers: {render_count(inner.macs)}", "sum of its layers"
        if layer.kind.distributed:  # the model on each time step: its products times the steps
            steps = r.input_shapes[0][1]
            if steps is None:
                return replace(r, macs=None, macs_formula="the number of time steps is not known", macs_letters="")
            value, text, letters = simplify(value * steps), f"{steps}·({text})", f"time·({letters})"
    else:
        value, text, letters = _kind_macs(layer.kind, list(r.input_shapes), same, memo)
        if value is None:
            return replace(r, macs=None, macs_formula=text, macs_letters="")
    if r.calls > 1 and value != 0:
        seen = r.output_shape if isinstance(r.output_shape, list) else []
        if len(seen) != r.calls or any(s != seen[0] for s in seen):
            return replace(r, macs=None, macs_formula=f"called {r.calls} times on shapes that may differ", macs_letters="")
        value, text, letters = simplify(value * r.calls), f"{r.calls}·({text})", f"calls·({letters})"
    return replace(r, macs=value, macs_formula=text, macs_letters=letters)


def _does_nothing(kind: Any) -> bool:
    """A row that is not a computation (a parameter, a buffer): its kind says 0 without any input."""
    try:
        return bool(kind.macs([], ()) == ZERO)
    except (KindError, TypeError, ValueError, ArithmeticError, IndexError, AttributeError):
        return False


def _kind_macs(kind: Any, ins: list[Shape] | None, same: dict[Any, tuple[Dim, str, str]],
               memo: KeyMemo | None = None) -> tuple[Dim, str, str]:
    """(value, formula with numbers, formula with letters) of one call; value None (and why) when not counted.
    `same` holds the answers already worked out in this model: a kind's products are a function of its class,
    spelling, attributes and input shapes alone, so a layer equal in all of them to one already counted (the
    blocks of a deep model) gets that answer; a kind holding anything but plain values is worked out anew."""
    if ins is None:
        return None, NOT_CALLED, ""
    key = kind_key(kind, ins, memo)
    if key is not None and key in same:
        return same[key]
    answer = _work_out_macs(kind, ins)
    if key is not None:
        same[key] = answer
    return answer


def _work_out_macs(kind: Any, ins: list[Shape]) -> tuple[Dim, str, str]:
    if _only_batch_open(ins):
        fast = _per_batch_macs(kind, ins)
        if fast is not None:
            return fast
    try:
        shapes = [open_shape(s) for s in ins]
        expr = kind.macs(shapes, kind.output_shape(shapes))
    except (KindError, TypeError, ValueError, ArithmeticError, IndexError, AttributeError) as e:
        return None, f"not counted: {getattr(e, 'message', None) or e}", ""
    if expr is None:
        why = getattr(kind, "why_not_counted", None)
        return None, f"not counted: {why() if callable(why) else f'paramwise does not know the products of {kind.kind_name}'}", ""
    value = evaluate(expr)
    return value, render(expr, "pretty"), render(expr, "letters")


def _only_batch_open(shapes: Any) -> bool:
    """Every axis a whole number but the open batch axis (of at least one shape)."""
    found = False
    for shape in shapes:
        if not isinstance(shape, (tuple, list)):
            return False
        if shape and isinstance(shape[0], (tuple, list)):
            if not _only_batch_open(shape):
                return False
            found = True
            continue
        if any(not isinstance(d, int) or isinstance(d, bool) for d in shape[1:]):
            return False
        if shape and shape[0] is None:
            found = True
        elif shape and not isinstance(shape[0], int):
            return False
    return found


def _with_batch(shape: Any, batch: int) -> Any:
    if shape and isinstance(shape[0], (tuple, list)):
        return [_with_batch(s, batch) for s in shape]
    return tuple(batch if i == 0 and d is None else d for i, d in enumerate(shape))


def _per_batch_macs(kind: Any, ins: list[Shape]) -> tuple[Dim, str, str] | None:
    """A call's products when only the batch axis is open, as `n·batch` without sympy: the formula at batch 1 (the
    axis printed `batch`), checked to double at batch 2. None (the general path decides) when it is not linear in
    the batch, not whole numbers, or anything goes wrong."""
    try:
        one = [_with_batch(s, BatchScaled(1)) for s in ins]
        expr = kind.macs(one, kind.output_shape(one))
        if expr is None:
            return None
        two = [_with_batch(s, 2) for s in ins]
        twice = kind.macs(two, kind.output_shape(two))
        value, doubled = evaluate(expr), evaluate(twice) if twice is not None else None
    except (KindError, TypeError, ValueError, ArithmeticError, IndexError, AttributeError):
        return None
    if not isinstance(value, int) or not isinstance(doubled, int) or int(doubled) != 2 * int(value):
        return None
    return per_batch(int(value)), render(expr, "pretty"), render(expr, "letters")


def _op_macs(layer: Layer, ins: list[Shape] | None, calls: int, same: dict[Any, tuple[Dim, str, str]],
             memo: KeyMemo) -> tuple[Dim, str, str]:
    if not calls:
        return 0, "", ""
    value, text, letters = _kind_macs(layer.kind, ins, same, memo)
    if value is None or value == 0 or calls == 1:
        return value, text, letters
    return None, f"called {calls} times", ""


def _container_macs(r: Row, kids: list[Row], products: list[tuple[Dim, str, str]]) -> Row:
    if products:
        return replace(r, macs=None, macs_formula="forward multiplies tensors itself: counted in the total only", macs_letters="")
    if r.calls and not kids and r.type == "Sequential":  # it calls modules listed under their other names
        return replace(r, macs=None, macs_formula="its modules are counted under their other names", macs_letters="")
    unknown = [c for c in kids if c.macs is None and c.macs_formula != NOT_CALLED]
    if unknown:
        return replace(r, macs=None, macs_formula=f"'{unknown[0].name}' is not counted", macs_letters="")
    counted = [c for c in kids if c.macs]
    value = _sum([c.macs for c in counted])
    if not counted and all(c.macs is None for c in kids) and kids:
        return replace(r, macs=None, macs_formula=NOT_CALLED, macs_letters="")
    return replace(r, macs=value, macs_formula=" + ".join(render_count(c.macs) for c in counted[:MAX_TERMS]) or "0",
                   macs_letters=" + ".join(c.name[len(r.name) + 1:] for c in counted[:MAX_TERMS]) or "0")


# -- activations kept for backward --------------------------------------------------------------------------


def with_saved(graph: Graph, rows: list[Row], forward: TrainingForward) -> list[Row]:
    """Each PyTorch row's activation bytes kept for backward by its own calls in a training forward (Kind.saved):
    nothing where no input needs a gradient and no weight is trained (autograd records nothing), a product's input
    only where its weight is trained. Per layer only: a tensor two layers keep (a ReLU's output, the next layer's
    input) is in both rows, and operations the source reader does not record (F.relu) keep tensors of their own;
    the model's total, each tensor once, is saved.py's."""
    if not forward.followed:
        return rows
    from .saved import count

    shapes = forward.shapes
    containers = {i for i, layer in enumerate(graph.layers) if getattr(type(layer.kind), "sums_children", False)}
    trains = forward.trains  # layers with weights that get gradients
    per: dict[str, Dim] = {}
    unknown: set[str] = set()
    for index, call, layer, outs, needed in forward.calls:
        if call.layer in containers or layer.hidden:
            continue
        if not needed and layer.name not in trains:
            per.setdefault(layer.name, 0)  # autograd records nothing: no input needs a gradient, no weight trains
            continue
        found = forward.kept(index, call, layer, outs)
        if found is None:
            unknown.add(layer.name)
            continue
        if layer.name not in trains and found[:1] == INPUT and _for_weights(layer):
            found = found[1:]  # a product keeps its input only for its weight's gradient
        per.setdefault(layer.name, 0)  # a call that keeps nothing (a Flatten, an Identity) keeps 0 bytes
        for what, which, size in found:
            shape = shapes.get(call.inputs[which]) if what == "input" else shapes.get(TensorRef(index, which))
            values = which if what == "new" else count(shape)
            if values is None:
                unknown.add(layer.name)
                break
            per[layer.name] = simplify(per.get(layer.name, 0) + values * size)
    return [replace(r, saved_bytes=per[r.name]) if r.name in per and r.name not in unknown else r for r in rows]


def _for_weights(layer: Layer) -> bool:
    """A kind that keeps its input only to compute its weights' gradient (products, convolutions, lookups)."""
    return layer.kind.kind_name in ("Dense", "Conv", "ConvTranspose", "Embedding", "LazyDense", "LazyConv")
