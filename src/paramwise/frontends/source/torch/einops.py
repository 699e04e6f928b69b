"""einops, as the einops package defines it, read without importing it: `rearrange`/`repeat`/`reduce` on
tensors (the result's shape from the pattern and the axis sizes), and `einops.layers.torch`: `Rearrange` and
`Reduce` are modules without parameters; `EinMix` holds `weight` (its `weight_shape` axes) and `bias` (its
`bias_shape` axes, 1 along the other output axes).
"""

from __future__ import annotations

import re

from ....formula import simplify
from ..python.values import Context, HostValue, Opaque
from .forward import container_call
from .modules import Method, ModuleObj, Node, ParamRef, node_of
from .tensors import is_size
from .traced import fail, result, shape_of, tracer_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Shape: TypeAlias = "tuple[Any, ...]"
TOKEN = r"\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+|\S"  # compiled (and cached by re) when a pattern is read


class PatternError(Exception):
    pass


def groups(side: str) -> list[list[str]]:
    """'b c (h p) ...' -> [['b'], ['c'], ['h', 'p'], ['...']]: each axis of the tensor, as the names in it."""
    out: list[list[str]] = []
    current: list[str] | None = None
    for token in re.findall(TOKEN, side):
        if token == "(":
            if current is not None:
                raise PatternError("nested parentheses")
            current = []
        elif token == ")":
            if current is None:
                raise PatternError("unbalanced parentheses")
            # '(...)' is the ellipsis' axes made one (its product), not '...' itself: kept as a group of '...' and 1
            out.append(current if current != ["..."] else ["...", "1"])
            current = None
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|\d+|\.\.\.", token):
            if current is not None:
                current.append(token)
            else:
                out.append([token])
        else:
            raise PatternError(f"unexpected {token!r}")
    if current is not None:
        raise PatternError("unbalanced parentheses")
    return out


def product(values: list[Any]) -> Any:
    n: Any = 1
    for v in values:
        n = n * v
    return simplify(n)


def bind(left: list[list[str]], shape: Shape, axes: dict[str, Any]) -> tuple[dict[str, Any], Shape]:
    """The size of each name on the left side, and what '...' stands for."""
    sizes = {k: v for k, v in axes.items() if is_size(v)}
    if sum(1 for g in left for n in g if n == "...") > 1:
        raise PatternError("'...' more than once")
    dots = next((i for i, g in enumerate(left) if g == ["..."]), None)
    if dots is None and any("..." in g for g in left):
        raise PatternError("'...' inside parentheses")
    n_ellipsis = len(shape) - (len(left) - 1) if dots is not None else 0
    if dots is None and len(left) != len(shape) or dots is not None and n_ellipsis < 0:
        raise PatternError(f"the pattern has {len(left)} axes; the tensor has shape {tuple(shape)}")
    dims = list(shape)
    ellipsis: Shape = ()
    if dots is not None:
        ellipsis = tuple(dims[dots : dots + n_ellipsis])
        dims = dims[:dots] + [None] + dims[dots + n_ellipsis :]
    for group, d in zip(left, dims):
        if group == ["..."]:
            continue
        names = [n for n in group if not n.isdigit()]
        fixed = product([int(n) for n in group if n.isdigit()])
        unknown = [n for n in names if n not in sizes]
        if len(unknown) > 1:
            raise PatternError(f"the sizes of {', '.join(unknown)} are not given")
        if unknown:
            sizes[unknown[0]] = simplify(d // (fixed * product([sizes[n] for n in names if n != unknown[0]])))
    return sizes, ellipsis


def output_shape(pattern: Any, shape: Shape, axes: dict[str, Any], kind: str) -> Shape:
    if not isinstance(pattern, str) or "->" not in pattern:
        raise PatternError("the pattern must be a string 'input -> output'")
    left_text, right_text = pattern.split("->", 1)
    left, right = groups(left_text), groups(right_text)
    sizes, ellipsis = bind(left, shape, axes)
    out: list[Any] = []
    for group in right:
        if group == ["..."]:
            out.extend(ellipsis)
            continue
        if "..." in group:
            out.append(product(list(ellipsis) + [size_of(n, sizes, kind) for n in group if n != "..."]))
            continue
        out.append(product([size_of(n, sizes, kind) for n in group]))
    return tuple(out)


def size_of(name: str, sizes: dict[str, Any], kind: str) -> Any:
    if name.isdigit():
        return int(name)
    if name not in sizes:
        raise PatternError(f"the size of new axis '{name}' is not given" if kind == "repeat" else f"unknown axis '{name}'")
    return sizes[name]


def apply(kind: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`rearrange(x, pattern, **axes)`, `repeat(...)`, `reduce(x, pattern, reduction, **axes)`."""
    tensor = args[0] if args else kwargs.pop("tensor", None)
    pattern = args[1] if len(args) > 1 else kwargs.get("pattern")
    axes = {k: v for k, v in kwargs.items() if k not in ("pattern", "reduction", "tensor")}
    items = tensor if isinstance(tensor, (list, tuple)) else None
    shape = shape_of(tensor)
    if items is not None:  # a list of tensors is stacked along a new first axis
        shapes = [shape_of(t) for t in items]
        if not items or any(s is None or s != shapes[0] for s in shapes) or shapes[0] is None:
            return fail(f"einops.{kind} of values paramwise cannot read", ctx)
        shape = (len(items), *shapes[0])
    if shape is None:
        return fail(f"einops.{kind} of a value paramwise cannot read", ctx)
    try:
        out = output_shape(pattern, shape, axes, kind)
    except (PatternError, TypeError, ZeroDivisionError) as e:
        return fail(f"einops.{kind}: {e}", ctx)
    return result(kind, list(items) if items is not None else [tensor], out, ctx)


# -- einops.layers.torch ------------------------------------------------------------------------------------


class EinopsLayer(ModuleObj):
    """A Rearrange/Reduce/EinMix module: its call gives the shape the pattern makes."""

    def __init__(self, node: Node, kind: str, pattern: Any, axes: dict[str, Any]) -> None:
        super().__init__(node)
        self.kind = kind
        self.pattern = pattern
        self.axes = axes

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if tracer_of(ctx) is None:
            return super().py_call(args, kwargs, ctx)
        kind = "rearrange" if self.kind == "mix" else self.kind
        out = apply(kind, [args[0] if args else None, self.pattern], dict(self.axes), ctx)
        tracer = tracer_of(ctx)
        assert tracer is not None
        return container_call(tracer, self, out, ctx)


class EinopsLayerClass(HostValue):
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<class einops.layers.torch.{self.name}>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        pattern = args[0] if args else kwargs.get("pattern")
        if not isinstance(pattern, str):
            raise ctx.error(f"einops {self.name} needs its pattern as a string", hint="e.g. Rearrange('b c h w -> b (c h w)')")
        node = Node(self.name, ctx.location, "leaf")
        skip = {"pattern", "reduction", "weight_shape", "bias_shape"}
        axes = {k: v for k, v in kwargs.items() if k not in skip}
        if self.name == "EinMix":
            mix(node, pattern, args, kwargs, axes, ctx)
            return EinopsLayer(node, "mix", pattern, axes)
        return EinopsLayer(node, "reduce" if self.name == "Reduce" else "rearrange", pattern, axes)


def mix(node: Node, pattern: str, args: list[Any], kwargs: dict[str, Any], axes: dict[str, Any], ctx: Context) -> None:
    """EinMix's weight (the axes of weight_shape) and bias (bias_shape's axes, 1 along the other output axes)."""
    weight_shape = args[1] if len(args) > 1 else kwargs.get("weight_shape")
    bias_shape = args[2] if len(args) > 2 else kwargs.get("bias_shape")

    def sizes(text: Any) -> Shape:
        if not isinstance(text, str):
            raise ctx.error("EinMix needs weight_shape as a string of axis names")
        names = text.split()
        missing = [n for n in names if not is_size(axes.get(n))]
        if missing:
            raise ctx.error(f"EinMix: the size of axis '{missing[0]}' is not given",
                            hint=f"pass it as a keyword: EinMix(..., {missing[0]}=SIZE)")
        return tuple(axes[n] for n in names)

    left_text, right_text = pattern.split("->", 1) if "->" in pattern else (pattern, "")
    left, right = groups(left_text), groups(right_text)
    flat_left = " ".join(n for g in left for n in g)
    flat_right = " ".join(n for g in right for n in g)
    if any(len(g) != 1 for g in left):  # einops makes these two Rearrange modules first, as torch lists them
        lengths = {k: v for k, v in axes.items() if k in flat_left.split()}
        node.children["pre_rearrange"] = EinopsLayer(Node("Rearrange", ctx.location, "leaf"), "rearrange",
                                                     f"{left_text}-> {flat_left}", lengths)
    if any(len(g) != 1 for g in right) or any("..." in g and len(g) > 1 for g in right):
        node.children["post_rearrange"] = EinopsLayer(Node("Rearrange", ctx.location, "leaf"), "rearrange",
                                                      f"{flat_right} ->{right_text}", {})
    node.params["weight"] = ParamRef(sizes(weight_shape))
    if bias_shape is not None:
        sizes(bias_shape)
        wanted = set(bias_shape.split())
        node.params["bias"] = ParamRef(tuple(axes[n] if n in wanted else 1 for g in right if g != ["..."]
                                             for n in g if n != "..."))


MODULES = ("einops", "einops.layers", "einops.layers.torch")  # namespaces whose attributes resolve_einops gives
FUNCTIONS = ("rearrange", "repeat", "reduce")
LAYERS = ("Rearrange", "Reduce", "EinMix")


def resolve_einops(dotted: str) -> Any:
    """What `einops...` names mean here (the modules in MODULES are the reader's namespaces); None for einops
    names paramwise does not model."""
    parts = dotted.split(".")
    if len(parts) == 2 and parts[1] in FUNCTIONS:
        return Method(lambda a, k, c, kind=parts[1]: apply(kind, list(a), dict(k), c))
    if parts[:3] == ["einops", "layers", "torch"] and len(parts) == 4 and parts[3] in LAYERS:
        return EinopsLayerClass(parts[3])
    return Opaque(f"module {dotted}") if parts[0] == "einops" else None


__all__ = ["resolve_einops", "output_shape", "node_of"]
