"""The catalogue of mistakes people make when counting parameters by hand, and each one's recomputation.

A mistake is detected by recomputing the layer *under that mistake* from its weight objects (names and
dims with glossary letters: c_in, filters, units, k_h ...) and its kind's attributes, then comparing the
result with the number the person wrote. Nothing here pattern-matches numbers typed in code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

from ..errors import KindError, ParamwiseError
from ..formula import Dim, Factor, render_count, simplify
from ..frozen import frozen, replace
from ..infer import infer
from ..ir import Graph, Shape, Weight
from ..kinds.base import Kind
from ..report import Report, Row, shape_text
from .convert import convention_variants

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

SPATIAL_LETTERS = ("k_d", "k_h", "k_w", "k")


@frozen
class Variant:
    """The count of one layer recomputed under one or more mistakes, and why it differs."""

    codes: tuple[str, ...]
    value: Dim
    text: str


@frozen
class LayerContext:
    """What the recomputations read: the row (weights, counts), its kind, its input shapes."""

    row: Row
    kind: Kind | None

    @property
    def params(self) -> list[Weight]:
        return [w for w in self.row.weight_objects if not w.is_buffer]

    @property
    def input_shape(self) -> Shape | None:
        return self.row.input_shapes[0] if self.row.input_shapes else None


def pretty(value: Dim) -> str:
    return render_count(value) if isinstance(value, int) else str(value)


def dims_text(w: Weight, drop_ones: bool = True) -> str:
    """`3·3·32` for a 3×3×1×32 kernel: the factors a person multiplies (sizes of 1 left out)."""
    values = [d.value for d in w.dims]
    if drop_ones and len(values) > 1:
        values = [v for v in values if v != 1] or [1]
    return "·".join(str(v) for v in values) or "1"


def is_bias(w: Weight) -> bool:
    return "bias" in w.name


def corrected(row: Row) -> str:
    """The right arithmetic: `(3·3·1 + 1)·32 = 320`."""
    if not row.params:
        return "no parameters"
    return row.explanation.split(" → ")[-1] if " → " in row.explanation else f"{row.formula} = {pretty(row.params)}"


def _sum(values: Iterable[Dim]) -> Dim:
    total: Dim = 0
    for v in values:
        total = total + v
    return simplify(total)


# -- one generator per mistake: LayerContext -> variants --------------------------------------------------------


def missing_bias(ctx: LayerContext) -> list[Variant]:
    biases = [w for w in ctx.params if is_bias(w)]
    weights = [w for w in ctx.params if not is_bias(w)]
    if not biases or not weights:
        return []
    value = simplify(ctx.row.params - _sum(b.count for b in biases))
    shown = " + ".join(dims_text(w) for w in weights)
    text = f"you have {pretty(value)} = {shown} weights; {_bias_text(biases)}: {corrected(ctx.row)}"
    return [Variant(("missing_bias",), value, text)]


def _bias_text(biases: list[Weight]) -> str:
    """`each of the 32 filters also has a bias`, `each gate of each unit (4·32 = 128) also has 2 biases`."""
    last = biases[0].dims[-1] if biases[0].dims else Factor(1, "")
    if any(not b.dims or b.dims[-1].value != last.value for b in biases):
        return "the layer also has its biases (" + ", ".join(f"{b.name} {pretty(b.count)}" for b in biases) + ")"
    copies = sum(b.count for b in biases) // last.value if isinstance(last.value, int) and last.value else len(biases)
    gates, _, unit = last.letter.partition("·")
    if unit and gates.isdigit() and isinstance(last.value, int):
        who = f"each gate of each unit ({gates}·{last.value // int(gates)} = {pretty(last.value)})"
    elif last.letter in ("filters", "units"):
        who = f"each of the {pretty(last.value)} {last.letter}"
    else:
        who = f"each of the {pretty(last.value)} outputs"
    names = ", ".join(b.name.rsplit("/", 1)[-1] for b in biases)
    return f"{who} also has a bias" if copies == 1 else f"{who} also has {copies} biases ({names})"


def missing_input_channels(ctx: LayerContext) -> list[Variant]:
    return _drop_factor(ctx, lambda f: f.letter.startswith("c_in"), "missing_input_channels", _channels_text)


def _channels_text(w: Weight, f: Factor) -> str:
    return f"each filter spans all {f.value} input channels, so {w.name} is {dims_text(w, False)} = {pretty(w.count)}"


def missing_kernel_depth(ctx: LayerContext) -> list[Variant]:
    out: list[Variant] = []
    for w in ctx.params:
        spatial = [f for f in w.dims if f.letter in SPATIAL_LETTERS]
        if len(spatial) < 2:
            continue
        for f in dict.fromkeys(spatial):
            out += _drop_factor(ctx, _same_factor(f), "missing_kernel_depth", _window_text, only=w)
    return _dedupe(out)


def _same_factor(f: Factor) -> Callable[[Factor], bool]:
    return lambda g: g is f


def _window_text(w: Weight, f: Factor) -> str:
    window = "×".join(str(d.value) for d in w.dims if d.letter in SPATIAL_LETTERS)
    return f"the window is {window} ({f.letter} = {f.value} included), so {w.name} is {dims_text(w, False)} = {pretty(w.count)}"


def _drop_factor(
    ctx: LayerContext,
    pick: Callable[[Factor], bool],
    code: str,
    describe: Callable[[Weight, Factor], str],
    only: Weight | None = None,
) -> list[Variant]:
    out = []
    for w in ctx.params:
        if only is not None and w is not only:
            continue
        for f in w.dims:
            if not pick(f) or f.value == 1 or not isinstance(f.value, int):
                continue
            value = simplify(ctx.row.params - w.count + w.count // f.value)
            out.append(Variant((code,), value, f"{describe(w, f)}: {corrected(ctx.row)}"))
            break
    return out


def spatial_instead_of_channels(ctx: LayerContext) -> list[Variant]:
    shape = ctx.input_shape
    if shape is None or len(shape) < 4:
        return []
    out = []
    for w in ctx.params:
        f = next((d for d in w.dims if d.letter.startswith("c_in")), None)
        if f is None or not isinstance(f.value, int):
            continue
        channel_axis = 1 if shape[1] == f.value and shape[-1] != f.value else len(shape) - 1
        spatial = [d for i, d in enumerate(shape[1:], 1) if i != channel_axis and isinstance(d, int)]
        options = dict.fromkeys([*spatial, _product(spatial)])
        for size in options:
            value = simplify(ctx.row.params - w.count + w.count // f.value * size)
            text = f"the kernel spans the {f.value} input channels, not the image size {size}: {corrected(ctx.row)}"
            out.append(Variant(("spatial_instead_of_channels",), value, text))
    return _dedupe(out)


def _product(values: list[Any]) -> Any:
    n = 1
    for v in values:
        n *= v
    return n


def framework_convention(ctx: LayerContext) -> list[Variant]:
    row, out = ctx.row, []
    frozen = [w for w in ctx.params if not w.trainable]
    if frozen and row.trainable_params != row.params:
        names = ", ".join(w.name for w in frozen)
        text = f"{names} are counted as non-trainable parameters here ({pretty(row.non_trainable_params)}): {corrected(row)}"
        out.append(Variant(("framework_convention",), row.trainable_params, text))
    buffers = [w for w in row.weight_objects if w.is_buffer]
    if buffers:
        names = ", ".join(w.name for w in buffers)
        text = f"{names} are buffers here, not parameters: {corrected(row)}"
        out.append(Variant(("framework_convention",), simplify(row.params + row.buffers), text))
    if ctx.kind is not None:
        for value, why in convention_variants(ctx.kind, list(row.input_shapes)):
            out.append(Variant(("framework_convention",), value, f"{why}; here: {corrected(row)}"))
    return _dedupe(out)


def bidirectional_not_doubled(ctx: LayerContext) -> list[Variant]:
    backward = [w for w in ctx.params if "reverse" in w.name or w.name.startswith("backward")]
    flag = ctx.kind is not None and (ctx.kind.attrs.get("bidirectional") is True or "merge_mode" in ctx.kind.attrs)
    if backward:
        value = simplify(ctx.row.params - _sum(w.count for w in backward))
    elif flag and isinstance(ctx.row.params, int) and ctx.row.params % 2 == 0:
        value = ctx.row.params // 2
    else:
        return []
    text = f"a bidirectional layer holds two copies, one per direction: 2 × {pretty(value)} = {pretty(ctx.row.params)}"
    return [Variant(("bidirectional_not_doubled",), value, text)]


def embedding_swapped(ctx: LayerContext) -> list[Variant]:
    shape, out = ctx.input_shape, []
    seq = shape[1] if shape is not None and len(shape) >= 2 and isinstance(shape[1], int) else None
    for w in ctx.params:
        vocab = next((f for f in w.dims if f.letter == "vocab"), None)
        if vocab is None or seq is None or not isinstance(vocab.value, int):
            continue
        width = w.count // vocab.value
        text = (
            f"the table has one row of {width} per word of the vocabulary ({vocab.value}), "
            f"whatever the sequence length ({seq}): {corrected(ctx.row)}"
        )
        out.append(Variant(("embedding_swapped",), simplify(ctx.row.params - w.count + seq * width), text))
        out.append(Variant(("embedding_swapped",), simplify(ctx.row.params - w.count + seq * vocab.value), text))
    return _dedupe(out)


def shared_counted_twice(ctx: LayerContext) -> list[Variant]:
    row, out = ctx.row, []
    if row.calls > 1 and row.params:
        text = f"{row.name} is used {row.calls} times but its weights are stored once: {corrected(row)}"
        out.append(Variant(("shared_counted_twice",), simplify(row.params * row.calls), text))
    if row.shared:
        names = dict(row.shared)
        extra = _sum(w.count for w in row.weight_objects if w.name in names)
        owners = ", ".join(f"{w} (counted in {o})" for w, o in row.shared)
        out.append(Variant(("shared_counted_twice",), simplify(row.params + extra), f"{owners} is shared"))
    return out


Finder = Callable[[LayerContext], list[Variant]]


@frozen
class Mistake:
    """One mistake people make: its stable code, what it is, how a part of a difference it explains is
    labelled (`{}` is the layer's name), and the finder that recomputes a layer under it. `group` says how
    check combines finders: "bias" and "kernel" ones also pair up (biases missing as well), "other" ones
    stand alone; a mistake with no finder is found by check itself (slips, parameterless layers) or by
    re-inferring the model (shape_variants)."""

    code: str
    description: str
    label: str
    find: Finder | None = None
    group: str = ""


# The registry, in order of preference when two mistakes give the same number. A new mistake is one entry.
MISTAKES: tuple[Mistake, ...] = (
    Mistake("missing_bias", "left out the biases: one per filter (convolutions), per unit (dense), per gate (recurrent)",
            "{} biases", missing_bias, "bias"),
    Mistake("missing_input_channels", "left out the input channels: each filter spans every input channel (k·k·c_in), not one",
            "{} input channels", missing_input_channels, "kernel"),
    Mistake("missing_kernel_depth", "left out one axis of the kernel window (k_d of a 3-D kernel, or one side of k_h·k_w)",
            "{} kernel window", missing_kernel_depth, "kernel"),
    Mistake("spatial_instead_of_channels", "used the image size (h, w or h·w) where the number of input channels belongs",
            "{} image size for channels", spatial_instead_of_channels, "kernel"),
    Mistake("wrong_flatten_size", "the flattened size is off: a 'valid' convolution shrinks the map, pooling floors, strides divide",
            "{} flattened size"),
    Mistake("params_on_parameterless_layer", "gave parameters to a layer that has none (pooling, flatten, dropout, activations)",
            "{}: params_on_parameterless_layer"),
    Mistake("addition_slip", "the layer was counted right (or with another mistake) but the running total was added up wrong",
            "addition slip after {}"),
    Mistake("framework_convention", "counted in another convention: LSTM/GRU second bias, BatchNorm moving stats, GRU reset_after",
            "{} in the other convention", framework_convention, "other"),
    Mistake("bidirectional_not_doubled", "counted one direction of a bidirectional layer; it holds two copies, one per direction",
            "{} second direction", bidirectional_not_doubled, "other"),
    Mistake("embedding_swapped", "used the sequence length where the vocabulary size belongs (or the other way round)",
            "{} sequence length for vocabulary", embedding_swapped, "other"),
    Mistake("shared_counted_twice", "counted a shared layer (or tied weights) once per use; shared weights are stored once",
            "{} shared weights counted again", shared_counted_twice, "other"),
    Mistake("unexplained", "no catalogued mistake explains the difference", "{}: unexplained"),
)
BY_CODE = {m.code: m for m in MISTAKES}
CATALOGUE: dict[str, str] = {m.code: m.description for m in MISTAKES}  # code -> what it is, in preference order


def finders(group: str) -> list[Finder]:
    return [m.find for m in MISTAKES if m.group == group and m.find is not None]


def label(code: str, name: str) -> str:
    """How a part of a difference this mistake explains is named: `conv2d biases`."""
    return BY_CODE[code].label.format(name) if code in BY_CODE else f"{name}: {code}"


def layer_variants(ctx: LayerContext) -> list[Variant]:
    """Every count this layer has under one catalogued mistake, or missing biases plus a kernel mistake."""
    if ctx.row.params is None or not ctx.params:
        return []
    singles = [v for gen in finders("bias") for v in gen(ctx)]
    kernel = [v for gen in finders("kernel") for v in gen(ctx)]
    others = [v for gen in finders("other") for v in _safe(gen, ctx)]
    combos = [_with_bias_missing(v, ctx) for v in kernel] if singles else []
    found = [v for v in singles + kernel + others + [c for c in combos if c is not None]]
    return [v for v in _dedupe(found) if simplify(v.value - ctx.row.params) != 0]


def _with_bias_missing(v: Variant, ctx: LayerContext) -> Variant | None:
    biases = _sum(w.count for w in ctx.params if is_bias(w))
    value = simplify(v.value - biases)
    return Variant(("missing_bias", *v.codes), value, f"{v.text}; and the biases are missing ({pretty(biases)})")


def _safe(gen: Callable[[LayerContext], list[Variant]], ctx: LayerContext) -> list[Variant]:
    try:
        return gen(ctx)
    except KindError:
        return []  # a recomputation that does not apply to this kind


def _dedupe(variants: list[Variant]) -> list[Variant]:
    seen: dict[tuple[tuple[str, ...], Any], Variant] = {}
    for v in variants:
        seen.setdefault((v.codes, v.value), v)
    return list(seen.values())


def shape_variants(graph: Graph, report: Report) -> dict[str, list[Variant]]:
    """wrong_flatten_size: re-infer the model with one layer's size rule changed the way people get it wrong
    (a 'valid' window that does not shrink, pooling that rounds up or is forgotten, a stride ignored), and
    keep the downstream layers whose count changes."""
    true_rows = {r.name: r for r in report.rows if r.depth == 0}
    out: dict[str, list[Variant]] = {}
    for index, layer in enumerate(graph.layers):
        for kind, desc in size_mistakes(layer.kind):
            layers = list(graph.layers)
            layers[index] = replace(layer, kind=kind)
            try:
                wrong = infer(replace(graph, layers=tuple(layers)))
            except ParamwiseError:
                continue  # the size mistake makes a model that does not build: not a candidate
            _collect(out, true_rows, wrong, layer.name, desc)
    return out


def _collect(out: dict[str, list[Variant]], true_rows: dict[str, Row], wrong: Report, culprit: str, desc: str) -> None:
    wrong_rows = {r.name: r for r in wrong.rows if r.depth == 0}
    for name, row in true_rows.items():
        other = wrong_rows.get(name)
        if other is None or name == culprit or other.params is None or row.params is None:
            continue
        if simplify(other.params - row.params) == 0:
            continue
        shown = f"{shape_text(true_rows[culprit].output_shape)}, not {shape_text(wrong_rows[culprit].output_shape)}"
        text = f"{desc}: {culprit} gives {shown}; so {name} gets {_inputs_text(row)}: {corrected(row)}"
        out.setdefault(name, []).append(Variant(("wrong_flatten_size",), other.params, text))


def _inputs_text(row: Row) -> str:
    shape = row.input_shapes[0] if row.input_shapes else None
    return f"{pretty(shape[-1])} input features" if shape else "its input"


def size_mistakes(kind: Kind) -> list[tuple[Kind, str]]:
    """Ways people get a layer's output size wrong, each as the kind that would make that size."""
    a, out = kind.attrs, []
    window = a.get("kernel_size") if "filters" in a else None
    if window is not None and a.get("padding") in ("valid", (0,) * len(window)):
        k = "×".join(map(str, window))
        out.append((with_attrs(kind, padding="same"), f"a {k} window with 'valid' padding shrinks each side by k - 1"))
    if window is not None and any(s != 1 for s in a.get("strides", ())):
        out.append((with_attrs(kind, strides=(1,) * len(window)), f"a stride of {a['strides']} divides the size"))
    pool = a.get("pool_size")
    if pool is not None:
        out.append((Kind(kind.framework, "Identity", {}), f"pooling by {'×'.join(map(str, pool))} divides the size"))
        if kind.framework == "torch" and not a.get("ceil_mode"):
            out.append((with_attrs(kind, ceil_mode=True), "pooling rounds odd sizes down"))
        elif a.get("padding") == "valid":
            out.append((with_attrs(kind, padding="same"), "pooling with 'valid' padding rounds odd sizes down"))
    return out


def with_attrs(kind: Kind, **changes: Any) -> Kind:
    """A copy of `kind` with some attributes changed (no setup() rerun: the attributes are normalised)."""
    new = copy.copy(kind)
    new.attrs = {**kind.attrs, **changes}
    return new


__all__ = ["MISTAKES", "Mistake", "CATALOGUE", "Variant", "LayerContext", "layer_variants", "shape_variants", "with_attrs", "corrected", "pretty"]
