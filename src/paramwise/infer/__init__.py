"""The only walker: follows a Graph's calls, checks each layer's input, asks its kind for the output
shape and the weights, deduplicates shared weights, and builds the Report.

Kinds raise location-free errors; this module adds the layer and where it is in the user's input.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..collect import paused as gc_paused
from ..errors import Diagnostic, InputError, KindError, Location
from ..formula import render_count
from ..frozen import field, record, replace
from ..ir import Graph, Layer, Shape, TensorRef, Weight
from ..kinds.base import shape_text
from ..kinds.rows import Submodel, Unknown
from ..report import Report, Row
from .keys import KeyMemo, kind_key
from .rows import build_report, row_parts

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Protocol

    from ..kinds.base import Kind

    class Applied(Protocol):
        """What apply_call reads of a layer: a Layer, or a reader's own layer object that has these."""

        @property
        def kind(self) -> Kind: ...
        @property
        def type(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def location(self) -> Location | None: ...


@record
class _State:
    """What the walk over a graph's calls knows so far."""

    shapes: dict[TensorRef, Shape] = field(default_factory=dict)
    first_inputs: dict[int, list[Shape]] = field(default_factory=dict)
    outputs: dict[int, list[Shape | list[Shape]]] = field(default_factory=dict)
    sources: dict[int, list[str]] = field(default_factory=dict)


@record
class _Walk:
    """What one outermost `infer` call remembers while it walks: each nested graph's shapes and report,
    by identity and input shapes, so a model used as a layer is walked once however often its kind asks
    (graphs are kept so that no id is reused during the walk); and the parts of rows already built for an
    identical layer, so a stack of 50,000 equal Dense layers renders one formula, not 50,000."""

    shapes: dict[tuple[int, tuple[Shape, ...]], tuple[Graph, _State]] = field(default_factory=dict)
    reports: dict[tuple[int, tuple[Shape, ...]], tuple[Graph, Report]] = field(default_factory=dict)
    parts: dict[Any, dict[str, Any]] = field(default_factory=dict)
    attrs: KeyMemo = field(default_factory=KeyMemo)  # kind_key's memo: each kind's attributes once, each key's number
    leaves: dict[int, tuple[Report, list[_Leaf]]] = field(default_factory=dict)  # by report: see _report_of
    nesting: int = 0  # how many graphs deep the walk is: 1 for the outermost


_WALK: ContextVar[_Walk | None] = ContextVar("paramwise_infer_walk", default=None)


@contextmanager
def _walking() -> Iterator[_Walk]:
    walk = _WALK.get()
    if walk is not None:
        yield walk
        return
    walk = _Walk()
    token = _WALK.set(walk)
    try:
        with gc_paused():
            yield walk
    finally:
        _WALK.reset(token)


def _key(graph: Graph, input_shapes: list[Shape] | None) -> tuple[int, tuple[Shape, ...]] | None:
    key = (id(graph), tuple(input_shapes or ()))
    try:
        hash(key)
    except TypeError:  # a shape that cannot be a key: walked again rather than remembered
        return None
    return key


def infer(graph: Graph, *, input_shapes: list[Shape] | None = None) -> Report:
    """Walk `graph` and return its Report. `input_shapes` replaces the shapes of the graph's inputs.

    Within one outermost call, each nested graph is walked once per input shape: `Submodel`'s output
    shape, weights and rows all come from the same walk."""
    with _walking() as walk:
        key = _key(graph, input_shapes)
        if key is not None and key in walk.reports:
            return walk.reports[key][1]
        state = _shapes(graph, input_shapes)
        walk.nesting += 1
        try:
            report = _report_of(graph, state)
        finally:
            walk.nesting -= 1
        if key is not None:
            walk.reports[key] = (graph, report)
        return report


def infer_outputs(graph: Graph, input_shapes: list[Shape] | None = None) -> list[Shape]:
    """The shapes of `graph`'s outputs for these input shapes: the shape pass of `infer` alone."""
    with _walking():
        state = _shapes(graph, input_shapes)
        return [state.shapes[t] for t in graph.outputs]


def _shapes(graph: Graph, input_shapes: list[Shape] | None) -> _State:
    """Follow the calls: each layer's input contract and output shape (once per graph and input shapes)."""
    walk = _WALK.get()
    key = _key(graph, input_shapes)
    if walk is not None and key is not None and key in walk.shapes:
        return walk.shapes[key][1]
    state = _State()
    overrides = dict(zip(graph.inputs, input_shapes or []))
    shapes, layers, calls = state.shapes, graph.layers, graph.calls
    for index, call in enumerate(calls):
        layer = layers[call.layer]
        try:
            ins = [shapes[t] for t in call.inputs]
        except KeyError:  # a file can name a call that comes later, or an output its layer does not produce
            ins = [_shape_of(graph, state, t, call.location or layer.location) for t in call.inputs]
        ref = TensorRef(index, 0) if overrides else None
        out = overrides[ref] if ref is not None and ref in overrides else apply_call(layer, ins, call.location)
        if isinstance(out, list):
            for i, shape in enumerate(out):
                shapes[TensorRef(index, i)] = shape
        else:
            shapes[TensorRef(index, 0)] = out
        first = state.first_inputs.setdefault(call.layer, ins)
        if first is not ins and first != ins:  # a layer called again, on other shapes: its weights are the first call's
            _check_called_again(layer, first, ins, call.location)
        state.outputs.setdefault(call.layer, []).append(out)
        state.sources.setdefault(call.layer, []).extend([layers[calls[t.call].layer].name for t in call.inputs])
    for t in (*graph.inputs, *graph.outputs):
        _shape_of(graph, state, t, graph.location)
    if walk is not None and key is not None:
        walk.shapes[key] = (graph, state)
    return state


def _check_called_again(layer: Layer, first: list[Shape], ins: list[Shape], location: Location | None) -> None:
    """A layer's weights are made by its first call; a later call on inputs that would make other weights (a Dense
    built on 3 features called on 5) is refused by the framework (Keras' input spec, torch's matmul) or fails when
    the model runs: refused here, at that call. Layers a file defines (custom layers, nested models) keep their first call's weights."""
    if isinstance(layer.kind, (Submodel, Unknown)) or layer.stored is not None:
        return
    try:
        built, again = layer.kind.weights(first), layer.kind.weights(ins)
    except KindError:
        return
    made = [tuple(w.shape) for w in built]
    wanted = [tuple(w.shape) for w in again]
    if made == wanted or not all(type(d) is int for shape in made + wanted for d in shape):
        return
    differ = next((a, b) for a, b in zip(built, again) if a.shape != b.shape) if len(made) == len(wanted) else None
    what = (f"its {differ[0].name} is {'×'.join(map(str, differ[0].shape))} and this call would need "
            f"{'×'.join(map(str, differ[1].shape))}" if differ is not None else "this call would need other weights")
    raise InputError(
        f"{layer.type} '{layer.name}' was built by its first call, on {', '.join(map(shape_text, first))}, and is "
        f"called again on {', '.join(map(shape_text, ins))}: {what}",
        hint="a layer's weights are made once, by its first call: the framework refuses this call, or the model "
             "fails when it runs (Keras builds a LayerNormalization so, and its first run fails); use a new layer "
             "for inputs of another size",
        location=location or layer.location)


def _shape_of(graph: Graph, state: _State, ref: TensorRef, location: Location | None) -> Shape:
    """The shape of a tensor a call (or the model's inputs/outputs) uses; a file can name a call that comes
    later or an output its layer does not produce: an InputError at the place that names it."""
    found = state.shapes.get(ref)  # one lookup where the shape is known
    if found is not None:
        return found
    if ref in state.shapes:
        return state.shapes[ref]
    if not (type(ref.call) is int and 0 <= ref.call < len(graph.calls)):
        raise InputError(f"a call uses the output of call {ref.call!r}, which the model does not have",
                         hint="the file may be damaged", location=location)
    layer = graph.layers[graph.calls[ref.call].layer]
    made = sum(1 for t in state.shapes if t.call == ref.call)
    if not made:
        raise InputError(f"a call uses an output of {layer.type} '{layer.name}' before that layer is called",
                         hint="the file may be damaged", location=location)
    raise InputError(f"a call uses output {ref.index!r} of {layer.type} '{layer.name}', which produces {made} output(s) "
                     f"(numbered from 0)", hint="the file may be damaged", location=location)


def _report_of(graph: Graph, state: _State) -> Report:
    """The graph's rows and totals. A layer object used in two nested models, or in a nested model and the outer
    one, is a row in each (as Keras lists it) but its weights count once in the total, as Keras counts them:
    each layer that is not a model is a leaf, known by its kind object (one per layer object), with the
    top-level row that holds it."""
    warnings = list(graph.warnings)
    rows: list[Row] = []
    leaves: list[_Leaf] = []
    walk = _WALK.get()
    # a nested graph's leaves are its parent's; an outermost one's matter only where it holds a nested graph
    track = walk is not None and (walk.nesting > 1 or any(isinstance(layer.kind, Submodel) or layer.kind.wraps_weights
                                                          for layer in graph.layers))
    for index, layer in enumerate(graph.layers):
        if layer.hidden:
            continue
        made = _rows_for(layer, index, state, warnings)
        rows.extend(made)
        if not track:
            continue
        if not isinstance(layer.kind, Submodel):
            leaves.append((id(layer.kind.weights_owner()), made[0], layer.name))
        elif walk is not None:  # the nested walk's leaves (infer gives its report again, from the walk's memo)
            shapes = layer.kind.inner_inputs(state.first_inputs.get(index))
            inner = walk.leaves.get(id(infer(layer.kind.graph, input_shapes=shapes)))
            leaves += [(kind, row, layer.name) for kind, row, _ in inner[1]] if inner is not None else []
    again = _counted_again(leaves, warnings)
    hidden = [(layer, state.first_inputs.get(index), len(state.outputs.get(index) or []))
              for index, layer in enumerate(graph.layers) if layer.hidden]
    report = build_report(graph, rows, warnings, [state.shapes[t] for t in graph.outputs],
                          [state.shapes[t] for t in graph.inputs], hidden, state.shapes,
                          walk.attrs if walk is not None else None, again)
    if track and walk is not None:
        walk.leaves[id(report)] = (report, leaves)  # the report kept with them: its id is not reused in the walk
    return report


_Leaf = tuple[int, Row, str]  # (id of a layer's kind, its row, the name of the top-level row that holds it)


def _counted_again(leaves: list[_Leaf], warnings: list[Diagnostic]) -> list[Row]:
    """The rows of layers met before among the leaves: their weights are already in the total."""
    first: dict[int, _Leaf] = {}
    again: list[Row] = []
    for leaf in leaves:
        kind, row, holder = leaf
        seen = first.setdefault(kind, leaf)
        if seen is leaf or not row.params:
            continue
        again.append(row)
        if holder == row.name:  # a top-level row: a wrapper of a layer met before, or that layer itself
            where = f"shares its weights with '{seen[2]}'"
        else:
            where = f"is in '{seen[2]}' and '{holder}'" if seen[2] != holder else f"is in '{holder}' twice"
        warnings.append(Diagnostic(
            "shared_layer",
            f"{row.type} '{row.name}' {where}: its {render_count(row.params)} parameters are counted once in the total",
            row.location,
            "one layer object used in two places (two models, or a wrapper such as TimeDistributed or RNN(cell) and "
            "the layer it holds) is one set of weights; each row still counts it, as the framework's summary does",
        ))
    return again


def apply_call(layer: Applied, ins: list[Shape], location: Location | None) -> Shape | list[Shape]:
    """One layer applied to input shapes: the input contract, then the output-shape rule."""
    kind = layer.kind
    low, high = kind.n_inputs
    try:
        if len(ins) < low or (high is not None and len(ins) > high):
            want = f"{low}" if low == high else f"at least {low}" if high is None else f"{low} to {high}"
            raise KindError(f"takes {want} input tensor(s); got {len(ins)}")
        kind.check(ins)
        if isinstance(kind, Submodel):
            # one walk of the nested graph per outer walk (a time-distributed model's on one step's shapes)
            outs = kind.outer_outputs(ins, infer_outputs(kind.graph, kind.inner_inputs(ins)))
            return outs[0] if len(outs) == 1 else outs
        return kind.output_shape(ins)
    except KindError as e:
        raise _located(e, layer, location) from e


def _located(e: KindError, layer: Applied, location: Location | None) -> InputError:
    return InputError(f"{layer.type} '{layer.name}' {e.message}", hint=e.hint, location=location or layer.location)


def _weights(layer: Layer, index: int, state: _State, warnings: list[Diagnostic]) -> list[Weight] | None:
    if isinstance(layer.kind, Unknown):
        return None
    ins = state.first_inputs.get(index)
    try:
        weights = _submodel_weights(layer.kind, ins) if isinstance(layer.kind, Submodel) else layer.kind.weights(ins)
    except KindError as e:
        if ins is None:
            warnings.append(Diagnostic("count_unknown", f"{layer.type} '{layer.name}': {e.message}", layer.location, e.hint))
            return None
        raise _located(e, layer, layer.location) from e
    if layer.stored is not None:
        _compare_stored(layer, weights, warnings)
    return [_freeze(w, layer) for w in weights]


def _submodel_weights(kind: Submodel, ins: list[Shape] | None) -> list[Weight]:
    report = infer(kind.graph, input_shapes=kind.inner_inputs(ins))  # the walk _rows_for uses too: remembered
    return [w for row in report.rows if row.depth == 0 for w in row.weight_objects]


def _compare_stored(layer: Layer, weights: list[Weight], warnings: list[Diagnostic]) -> None:
    """Where a file stores the layer's tensors, warn when they differ from what the formula creates."""
    ours = sorted(tuple(w.shape) for w in weights if not w.is_buffer)
    theirs = sorted(tuple(shape) for _, shape in layer.stored or ())
    if not all(isinstance(d, int) for shape in ours for d in shape) or ours == theirs:
        return
    count = sum(math.prod(s) for s in theirs)
    warnings.append(Diagnostic(
        "stored_mismatch",
        f"{layer.type} '{layer.name}': the file stores {len(theirs)} tensor(s) {theirs} ({count:,} values); "
        f"the formula gives {ours}",
        layer.location,
        "the table shows the formula's count; the file may come from another framework version or a custom layer",
    ))


def _freeze(w: Weight, layer: Layer) -> Weight:
    if w.trainable and (not layer.trainable or w.name in layer.frozen):
        return replace(w, trainable=False)
    return w


def _rows_for(layer: Layer, index: int, state: _State, warnings: list[Diagnostic]) -> list[Row]:
    outs = state.outputs.get(index)
    out_shape: Shape | list[Shape] | None = None
    if outs:
        out_shape = outs[0] if len(outs) == 1 else [o for o in outs if not isinstance(o, list)]
    ins = state.first_inputs.get(index)
    parts = _parts(layer, index, state, warnings)
    row = Row(
        name=layer.name, type=layer.type, output_shape=out_shape, location=layer.location, depth=layer.depth,
        parent=layer.parent, connected_to=tuple(dict.fromkeys(state.sources.get(index, []))), calls=len(outs or []),
        input_shapes=tuple(ins or ()), **parts,
    )
    rows = [row]
    if isinstance(layer.kind, Submodel):
        inner = infer(layer.kind.graph, input_shapes=layer.kind.inner_inputs(ins))
        for r in inner.rows:
            rows.append(replace(r, depth=r.depth + 1 + layer.depth, parent=r.parent or layer.name))
    return rows


def _parts(layer: Layer, index: int, state: _State, warnings: list[Diagnostic]) -> dict[str, Any]:
    """What a layer's row says about its weights, shared by every identical layer of the walk (same kind,
    attributes, input shapes and freezing): their formula is worked out and rendered once."""
    walk = _WALK.get()
    key = _parts_key(layer, state.first_inputs.get(index), walk.attrs if walk is not None else None)
    if walk is not None and key is not None and key in walk.parts:
        return walk.parts[key]
    before = len(warnings)
    parts = row_parts(layer, _weights(layer, index, state, warnings), warnings)
    if walk is not None and key is not None and len(warnings) == before:  # warnings name the layer: not shared
        walk.parts[key] = parts
    return parts


def _parts_key(layer: Layer, ins: list[Shape] | None, memo: KeyMemo | None) -> Any:
    if layer.stored is not None or isinstance(layer.kind, (Submodel, Unknown)):
        return None
    key = kind_key(layer.kind, ins, memo)
    return None if key is None else (key, layer.trainable, layer.frozen)
