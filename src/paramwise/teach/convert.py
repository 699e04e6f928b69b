"""`--as keras|torch`: the same architecture counted in the other framework's conventions.

Each layer's kind spells itself in the other framework (Kind.translated: class name and constructor
arguments), the result is built through the kinds registry and asked for its weights with its input
shape moved to the other layout (Keras is channels-last, PyTorch channels-first). The conventions
themselves (a second LSTM bias, BatchNorm statistics as buffers ...) stay attributes of the kinds; this
module only builds the translated layers and compares the counts.
"""

from __future__ import annotations

from .. import kinds
from ..errors import ParamwiseError
from ..formula import Dim, add, evaluate, render, simplify
from ..frozen import frozen, replace
from ..ir import Graph, Layer, Shape, Weight
from ..kinds.base import Kind
from ..kinds.recurrent import Recurrent
from ..report import Report, Row, counted_rows

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

OTHER = {"keras": "torch", "torch": "keras"}
FRAMEWORK_NAMES = {"keras": "Keras", "torch": "PyTorch"}


def channels_last(shape: Shape) -> Shape:
    """(batch, c, h, w) -> (batch, h, w, c); shapes of rank 2 are the same in both layouts."""
    return shape if len(shape) < 3 else (shape[0], *shape[2:], shape[1])


def channels_first(shape: Shape) -> Shape:
    return shape if len(shape) < 3 else (shape[0], shape[-1], *shape[1:-1])


def to_target_layout(kind: Kind, shape: Shape) -> Shape:
    """Spatial layers move the channel axis; sequence and dense layers keep (batch, ..., features)."""
    if not kind.attrs.get("rank") and kind.kind_name != "BatchNorm":
        return shape
    return channels_first(shape) if kind.framework == "keras" else channels_last(shape)


def keras_stack(kind: Recurrent) -> list[tuple[Kind, Shape, int]]:
    """A stacked or bidirectional PyTorch recurrent layer as Keras layers: (layer, its input, copies)."""
    if kind.proj_size:
        raise ParamwiseError("Keras has no recurrent layer with a projection (proj_size)")
    keras_name = kind.spelled_as["keras"]
    out = []
    for index in range(kind.num_layers):
        d_in = kind.d_in if index == 0 else kind.directions * kind.units
        layer, _ = kinds.make("keras", keras_name, [kind.units], {"use_bias": kind.use_bias})
        out.append((layer, (None, None, d_in), kind.directions))
    return out


# attributes that switch a convention inside one framework (Keras GRU's reset_after)
TOGGLES = ("reset_after",)


@frozen
class Converted:
    """One layer in both frameworks' conventions."""

    row: Row
    target_type: str
    count: Dim  # parameters in the target framework (None when not known)
    buffers: Dim
    formula_letters: str
    note: str

    @property
    def differs(self) -> bool:
        return self.count is None or simplify(self.count - (self.row.params or 0)) != 0


def convert_kind(kind: Kind, shape: Shape) -> tuple[Kind, Shape] | None:
    """The same layer in the other framework, and its input shape there (None: no translation known)."""
    spelled = kind.translated(shape)
    if spelled is None:
        return None
    type_name, args, kw = spelled
    target, _ = kinds.make(OTHER[kind.framework], type_name, args, kw)
    return target, to_target_layout(kind, shape)


def known_input(kind: Kind) -> Shape | None:
    """An input shape from the layer's own arguments, for PyTorch layers read without a forward pass:
    in_features, in_channels, num_features, input_size and the like (unknown axes are None)."""
    a = kind.attrs
    if isinstance(kind, Recurrent) and a.get("d_in") is not None:
        return (None, None, a["d_in"])
    if a.get("d_in") is not None:
        return (None, a["d_in"])
    if a.get("c_in") is not None and a.get("rank"):
        return (None, a["c_in"], *([None] * a["rank"]))
    if a.get("num_features") is not None:
        return (None, a["num_features"], *([None] * (max(a.get("ranks", (4,))) - 2)))
    if kind.kind_name == "Embedding":
        return (None, None)
    return None


def target_weights(kind: Kind, shapes: list[Shape]) -> tuple[Kind, list[Weight]] | None:
    shape = shapes[0] if shapes and all(d is not None for d in shapes[0][1:]) else known_input(kind)
    if shape is None and shapes:
        shape = shapes[0]
    if shape is None:
        return None
    if kind.framework == "torch" and isinstance(kind, Recurrent) and (kind.num_layers > 1 or kind.directions > 1):
        return stacked_weights(kind)
    converted = convert_kind(kind, shape)
    if converted is None:
        return None
    target, shape = converted
    target.check([shape])
    return target, target.weights([shape])


def rebuild(kind: Kind, **changes: Any) -> Kind:
    """The same spelling built again with some attributes changed (setup() runs again)."""
    found = kinds.lookup(kind.framework, kind.type_name)
    fixed = found[1] if found else {}
    return type(kind)(kind.framework, kind.type_name, {**kind.attrs, **changes, **fixed})


def toggled_variants(kind: Kind, shapes: list[Shape]) -> list[tuple[Dim, str]]:
    out = []
    for name in TOGGLES:
        if isinstance(kind.attrs.get(name), bool):
            other = rebuild(kind, **{name: not kind.attrs[name]})
            count = count_sum(w.count for w in other.weights(shapes) if not w.is_buffer)
            out.append((count, f"that is the count with {name}={not kind.attrs[name]} ({other.note()})"))
    return out


def stacked_weights(kind: Recurrent) -> tuple[Kind, list[Weight]]:
    weights: list[Weight] = []
    stack = keras_stack(kind)
    for index, (layer, shape, copies) in enumerate(stack):
        for copy in range(copies):
            side = f"layer{index}/" + ("backward/" if copy else "")
            weights += [replace(w, name=side + w.name) for w in layer.weights([shape])]
    return stack[0][0], weights


def convention_variants(kind: Kind, shapes: list[Shape]) -> list[tuple[Dim, str]]:
    """The layer's count in the other framework's conventions (with and without its buffers), and with a
    convention switched inside its own framework, for `check`."""
    try:
        toggled = toggled_variants(kind, shapes)
        found = target_weights(kind, shapes)
    except ParamwiseError:
        return []
    if found is None:
        return toggled
    target, weights = found
    name = FRAMEWORK_NAMES[target.framework]
    params = count_sum(w.count for w in weights if not w.is_buffer)
    out = [(params, f"that is the {name} count ({target.type_name}: {_names(weights, False)})")]
    buffers = [w for w in weights if w.is_buffer]
    if buffers:
        with_buffers = simplify(params + count_sum(w.count for w in buffers))
        out.append((with_buffers, f"that is the {name} count with its buffers ({_names(weights, True)})"))
    return toggled + out


def _names(weights: list[Weight], buffers: bool) -> str:
    return ", ".join(w.name for w in weights if w.is_buffer == buffers)


def count_sum(values: Any) -> Dim:
    """The sum of counts, simplified (counts may be formulas)."""
    total: Dim = 0
    for v in values:
        total = total + v
    return simplify(total)


def convert_report(graph: Graph, report: Report) -> list[Converted]:
    """Every top-level row of `report` counted in the other framework's conventions."""
    layers = {layer.name: layer for layer in graph.layers if not layer.hidden}
    return [_convert_row(row, layers.get(row.name)) for row in counted_rows(report)]


def _convert_row(row: Row, layer: Layer | None) -> Converted:
    if not row.weight_objects and row.params == 0:
        return Converted(row, "-", 0, 0, "0", "")
    if layer is None:
        return Converted(row, "?", None, None, "?", "no translation known")
    try:
        found = target_weights(layer.kind, list(row.input_shapes))
    except ParamwiseError as e:
        return Converted(row, "?", None, None, "?", f"cannot translate: {e.message}")
    if found is None:
        return Converted(row, "?", None, None, "?", f"no {OTHER[layer.kind.framework]} translation known for {row.type}")
    target, weights = found
    params = [w for w in weights if not w.is_buffer]
    letters = _letters(target, weights, params)
    note = target.note() or layer.kind.note()
    return Converted(row, target.type_name, count_sum(w.count for w in params), count_sum(w.count for w in weights if w.is_buffer), letters, note)


def _letters(kind: Kind, weights: list[Weight], params: list[Weight]) -> str:
    """The target's formula in letters: its factored form where the kind has one, else the sum of products."""
    if not params:
        return "0"
    plain = add(*(w.term() for w in params))
    expr = kind.formula(weights)
    if expr is None or simplify(evaluate(expr) - evaluate(plain)) != 0:
        expr = plain  # a stack of layers has no one factored formula
    return render(expr, "letters")
