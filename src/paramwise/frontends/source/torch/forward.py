"""Following a module's `forward` statically: tensors are shapes, module calls are recorded as graph calls,
tensor operations (view, permute, cat, +, indexing ...) get their shape from the rules in `torch_ops`.

Anything the reader cannot follow raises `TraceStop`; the reader then keeps the counts (which never depend on
the forward) and shows `?` for the shapes it did not reach, with one warning.
"""

from __future__ import annotations

import ast

from ....errors import InputError, KindError, LimitError
from ....frozen import replace
from ....ir import TensorRef
from ....kinds.base import conv_length
from ....kinds.rows import Container, Unknown
from ..python.interpreter import preview
from ..python.values import Atomic, BoundMethod, Context, Function, Instance, Opaque
from . import ops, tensors
from .containers import sequence
from .functional import functional_module, sampling_grid
from .modules import Method, ParamValue, node_of
from .ops import Shape
from .traced import (
    Tracer,
    TraceStop,
    TTensor,
    as_tensor,
    examples,
    fail,
    result,
    set_tracer,
    shape_of,
    tracer_of,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

TENSOR_KWARGS = ("input", "x", "query", "key", "value", "hx", "src", "tgt", "memory", "inputs")


def apply_rule(name: str, tensor: Any, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`x.view(...)`, `torch.flatten(x, 1)` ...: the rule gives shapes; the result keeps the structure."""
    t = as_tensor(tensor)
    assert t is not None
    try:
        out = ops.RULES[name](t.shape, args, kwargs)
    except ops.OpError as e:
        return fail(f"{name}: {e}", ctx)
    except TypeError:  # e.g. F.pad(x, [diff // 2, ...]) where diff is itself a tensor
        return fail(f"{name} of values paramwise cannot read", ctx)
    if out is ops.SAME:
        if t.values is not None:
            return TTensor(t.shape, t.ref, t.tracer,
                           tensors.cast_values(name, t.values) if name in tensors.KEEPS_VALUES else None)
        return tensor if isinstance(tensor, TTensor) else t
    if isinstance(out, list):
        return tuple(result(name, [t], s, ctx) for s in out)
    if isinstance(out, ops.Pair):
        return (result(name, [t], out.first, ctx), result(name, [t], out.second, ctx))
    if name in ops.VALUES:
        return out
    return result(name, [t, *args], out, ctx)


def tensor_attr(value: Any, name: str, ctx: Context) -> Any:
    shape = shape_of(value)
    assert shape is not None
    if name == "shape":
        return ops.TorchSize(shape)
    if name == "ndim":
        return len(shape)
    if name in ("T", "mT"):
        return apply_rule("transpose" if name == "mT" else "t", value, [-2, -1] if name == "mT" else [], {}, ctx)
    if name in ("real", "imag"):  # attributes, not methods (torch.real(t) is the function)
        return apply_rule(name, value, [], {}, ctx)
    if name == "is_cuda":  # a model is read as it is built, on the CPU (as torch builds it before .to(device))
        return False
    if name in ("dtype", "device", "grad", "requires_grad"):
        return Opaque(f"tensor.{name}")
    if name == "data":
        return value
    if name == "__iter__":
        items = tensors.iterate(value)
        return items if items is not None else fail(f"a loop over a tensor of shape {tuple(shape)} is not followed", ctx)
    if name in ("item", "tolist"):
        fn = tensors.item if name == "item" else tensors.tolist
        return Method(lambda a, k, c: fn(value, c))
    if name in ops.RULES or name in ops.METHOD_ALIASES:
        rule = ops.METHOD_ALIASES.get(name, name)
        return Method(lambda a, k, c: apply_rule(rule, value, a, k, c))
    if name in ("matmul", "bmm", "mm", "add", "sub", "mul", "div", "pow", "masked_fill", "expand_as", "type_as",
                "view_as", "reshape_as", "where", "maximum", "minimum"):
        return Method(lambda a, k, c: torch_function(name, [value, *a], k, c))
    return fail(f"tensor.{name} is not followed", ctx)


def index_tensor(value: Any, key: Any, ctx: Context) -> Any:
    shape = shape_of(value)
    assert shape is not None
    if isinstance(key, (TTensor, ParamValue)) or (isinstance(key, tuple) and any(shape_of(k) is not None for k in key)):
        taken = integer_index(shape, key)
        if taken is None:
            return fail("indexing a tensor with a tensor is not followed", ctx)
        return result("getitem", [value], taken, ctx)
    try:
        out = ops.index_shape(shape, key)
    except ops.OpError as e:
        return fail(f"indexing: {e}", ctx)
    values = getattr(value, "values", None)
    if values is not None and len(shape) == 1 and isinstance(key, (int, slice)) and not isinstance(key, bool):
        return TTensor(out, values=[values[key]] if isinstance(key, int) else values[key])
    return result("getitem", [value], out, ctx)


def integer_index(shape: Shape, key: Any) -> Shape | None:
    """`table[index]` with a tensor of indices (Swin's `bias_table[relative_position_index.view(-1)]`): the index's
    shape, then the table's other axes. paramwise does not track dtypes, so an index is known to hold integers only
    where it cannot be a boolean mask: a mask has the shape of the axes it indexes (its result's size depends on
    the values, never followed). None where that is not sure."""
    index = shape_of(key) if isinstance(key, TTensor) else None
    if index is None or not shape or not all(type(d) is int for d in (*index, *shape)):
        return None
    values = key.values
    is_integers = values is not None and all(type(v) is int for v in values)
    if not is_integers and tuple(shape[: len(index)]) == tuple(index):
        return None  # a boolean mask of these axes, or indices of this shape: not known which
    return tuple(index) + tuple(shape[1:])


def binop(op: type, left: Any, right: Any, ctx: Context) -> Any:
    ls, rs = shape_of(left), shape_of(right)
    try:
        if op is ast.MatMult:
            shape = ops.matmul_shape(ls or (), rs or ())
        else:
            shape = ops.broadcast(ls if ls is not None else (), rs if rs is not None else ())
    except ops.OpError as e:
        return fail(f"{e}", ctx)
    values = tensors.arithmetic_values(op, left, right)
    held = [v for v in (left, right) if shape_of(v) is not None]
    if values is not None:
        return TTensor(shape, values=values)
    if len(held) == 1 and isinstance(held[0], TTensor) and held[0].shape == shape and held[0].values is None:
        return held[0]
    return result("matmul" if op is ast.MatMult else "arithmetic", held, shape, ctx)


def torch_function(name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`torch.cat`, `torch.flatten`, `F.relu`, `F.max_pool2d` ... applied to traced tensors."""
    if name == "from_numpy":  # a NumPy array of the file is read as a tensor already: the same shape and values
        given = args[0] if args else kwargs.get("ndarray")
        return given if shape_of(given) is not None else fail("torch.from_numpy of an array paramwise cannot read", ctx)
    if name in ("finfo", "iinfo"):  # `-torch.finfo(x.dtype).max`, a mask's fill value: numbers, no tensor
        return NumberInfo(name, args[0] if args else kwargs.get("type"))
    if name in ops.CREATORS:
        shape = ops.CREATORS[name](args, kwargs)
        if not tensors.known_shape(shape):
            return fail(f"torch.{name} of a size paramwise cannot read ({', '.join(preview(d) for d in shape)})", ctx)
        return TTensor(shape, values=tensors.made_values(name, args, kwargs))
    made = tensors.make(name, args, kwargs, ctx)
    if made is not None:
        return made
    if name in ops.LIKE:
        like = shape_of(args[0]) if args else None
        if like is None:
            return fail(f"torch.{name} needs a tensor", ctx)
        return TTensor(like)
    if name in ("cat", "concat", "concatenate", "stack", "hstack", "vstack"):
        items = list(args[0]) if args else list(kwargs.get("tensors", []))
        shapes = [shape_of(t) for t in items]
        if not items or any(s is None for s in shapes):
            return fail(f"torch.{name} of values paramwise cannot read", ctx)
        dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
        try:
            shape = ops.cat_shape(name, [s for s in shapes if s is not None], dim)
        except ops.OpError as e:
            return fail(f"torch.{name}: {e}", ctx)
        return result(name, items, shape, ctx)
    if name in ops.BINARY:
        a, b = (args + [kwargs.get("other")])[:2]
        out = binop(ops.BINARY[name], a, b, ctx)
        if isinstance(out, TTensor) and out.values is not None and name not in ops.ARITHMETIC:
            return TTensor(out.shape, out.ref, out.tracer)  # maximum, logical_and ...: the shape rule, not the values
        return out
    if name == "where":
        return result("where", args, ops.broadcast(*(shape_of(a) or () for a in args[:3])), ctx)
    if name in ops.FUNCTIONAL_MODULES:
        return functional_module(name, args, kwargs, ctx)
    if name in ops.LOSSES:
        return result(name, args[:1], (), ctx)
    if name in ("conv1d", "conv2d", "conv3d"):
        return functional_conv(int(name[4]), args, kwargs, ctx)
    if name == "linear":
        x, w = shape_of(args[0]), shape_of(args[1] if len(args) > 1 else kwargs.get("weight"))
        if x is None or w is None:
            return fail("F.linear of values paramwise cannot read", ctx)
        return result("linear", args[:1], x[:-1] + (w[0],), ctx)
    if name in ("affine_grid", "grid_sample"):
        return sampling_grid(name, args, kwargs, ctx)
    if name == "scaled_dot_product_attention":
        q, v = shape_of(args[0]), shape_of(args[2] if len(args) > 2 else kwargs.get("value"))
        if q is None or v is None:
            return fail("scaled_dot_product_attention of values paramwise cannot read", ctx)
        return result(name, args[:3], q[:-1] + v[-1:], ctx)
    if not args or shape_of(args[0]) is None:
        return fail(f"torch.{name} is not followed", ctx)
    rule = ops.METHOD_ALIASES.get(name, name)
    if rule not in ops.RULES:
        return fail(f"torch.{name} is not followed", ctx)
    return apply_rule(rule, args[0], list(args[1:]), kwargs, ctx)


# -- module calls -----------------------------------------------------------------------------------


def call_module(module: Any, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`self.conv1(x)`: a built-in module is one recorded call; the file's own modules run `forward`."""
    tracer = tracer_of(ctx)
    node = node_of(module)
    if tracer is None or node is None:
        example = as_tensor(args[0]) if args else None
        if example is not None and node is not None:  # `model(torch.randn(1, 3, 224, 224))` in the file
            examples(ctx.interp).setdefault(id(module), example.shape)
        if example is not None and node is not None and tracer is None:
            return run_for_shapes(module, node.type_name, args, kwargs, ctx)
        return Opaque(f"{node.type_name if node else 'module'} output")
    forward = instance_forward(module)
    if forward is not None:
        out = ctx.call(forward, args, kwargs)
        return container_call(tracer, module, out, ctx)
    if node.behavior == "sequential":
        x: Any = args[0] if args else None
        for child in sequence(node):
            x = ctx.call(child, [x], {})
        return container_call(tracer, module, x, ctx)
    if node.kind is None:
        return fail(f"{node.type_name} is not callable (it has no forward)", ctx)
    if isinstance(node.kind, Unknown):
        return fail(f"the forward passes through nn.{node.type_name}, which paramwise does not know", ctx)
    return leaf_call(tracer, module, node, args, kwargs, ctx)


def builtin_forward(module: Any, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """A built-in module's own forward called by name (`super().forward(x)` in `class MaskedConv2d(nn.Conv2d)`,
    whose forward masks the weight first): the built-in's computation, as a tensor operation of the module's kind;
    the module's row is called when the subclass's forward returns (call_module)."""
    tracer = tracer_of(ctx)
    node = node_of(module)
    if tracer is None or node is None or node.kind is None:
        return Opaque(f"{node.type_name if node else 'module'}.forward()")
    if instance_forward(module) is None:  # the built-in itself: the usual call
        return call_module(module, args, kwargs, ctx)
    return leaf_call(tracer, module, node, args, kwargs, ctx, own_row=False)


def functional_conv(rank: int, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`F.conv2d(x, weight, bias, stride, padding, dilation, groups)`: the weight gives the output channels and the
    window; lengths as nn.Conv2d's (padding a number, a tuple, 'valid' or 'same')."""
    names = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
    given = dict(zip(names, args)) | kwargs
    x, w = shape_of(given.get("input")), shape_of(given.get("weight"))
    if x is None or w is None or len(w) != rank + 2 or len(x) not in (rank + 1, rank + 2):
        return fail(f"F.conv{rank}d of values paramwise cannot read", ctx)

    def per_axis(value: Any, default: int) -> tuple[Any, ...] | None:
        value = default if value is None else value
        if type(value) is int:
            return (value,) * rank
        return tuple(value) if isinstance(value, (list, tuple)) and len(value) == rank else None

    stride, dilation = per_axis(given.get("stride"), 1), per_axis(given.get("dilation"), 1)
    padding = given.get("padding", 0)
    pads = (padding,) * rank if padding in ("same", "valid") else per_axis(padding, 0)
    unread = f"F.conv{rank}d with a stride, padding or dilation paramwise cannot read"
    if stride is None or dilation is None or pads is None:
        return fail(unread, ctx)
    if not all(type(v) is int for v in (*stride, *dilation, *(() if isinstance(padding, str) else pads))):
        return fail(unread, ctx)
    out = tuple(conv_length(n, k, s, p, d) for n, k, s, p, d in zip(x[-rank:], w[2:], stride, pads, dilation))
    shape = (*x[:-rank - 1], w[0], *out)
    return result(f"conv{rank}d", [given["input"]], shape, ctx)


class NumberInfo(Atomic):
    """`torch.finfo(dtype)` / `torch.iinfo(dtype)`: the limits of a number type. A dtype paramwise does not know
    (`x.dtype`: tensors carry none here) is float32's (int64's for iinfo); the values fill masks, never sizes."""

    FLOATS = {
        "float16": (65504.0, 0.0009765625, 6.103515625e-05, 16), "half": (65504.0, 0.0009765625, 6.103515625e-05, 16),
        "bfloat16": (3.3895313892515355e38, 0.0078125, 1.1754943508222875e-38, 16),
        "float32": (3.4028234663852886e38, 1.1920928955078125e-07, 1.1754943508222875e-38, 32),
        "float64": (1.7976931348623157e308, 2.220446049250313e-16, 2.2250738585072014e-308, 64),
    }
    FLOATS["float"], FLOATS["double"] = FLOATS["float32"], FLOATS["float64"]
    INTS = {"int8": 8, "uint8": 8, "int16": 16, "short": 16, "int32": 32, "int": 32, "int64": 64, "long": 64}

    def __init__(self, kind: str, dtype: Any) -> None:
        self.kind = kind
        self.dtype = str(getattr(dtype, "name", "") or "")

    def __repr__(self) -> str:
        return f"<torch.{self.kind}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if self.kind == "iinfo":
            bits = self.INTS.get(self.dtype, 64)
            low = 0 if self.dtype == "uint8" else -(2 ** (bits - 1))
            found: dict[str, Any] = {"bits": bits, "min": low, "max": 2 ** bits - 1 if low == 0 else 2 ** (bits - 1) - 1}
        else:
            big, eps, tiny, bits = self.FLOATS.get(self.dtype, self.FLOATS["float32"])
            found = {"max": big, "min": -big, "eps": eps, "tiny": tiny, "smallest_normal": tiny, "bits": bits}
        return found[name] if name in found else Opaque(f"torch.{self.kind}.{name}")


def run_for_shapes(module: Any, type_name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """A module called while the model is built (`self.features(torch.zeros(1, 3, 32, 32)).shape[1]` to size
    a Linear): its forward is followed for the shapes it gives; nothing is recorded. Where it cannot be
    followed, the output is a value paramwise cannot read (an error where it becomes a size)."""
    set_tracer(ctx.interp, Tracer([], {}, scratch=True))
    try:
        out = call_module(module, args, kwargs, ctx)
    except LimitError:
        if ctx.interp.depth > 0:  # the budget is spent: what called it cannot go on either
            raise
        return Opaque(f"the output of {type_name}, whose forward takes more work than paramwise allows")
    except (TraceStop, InputError) as e:
        return Opaque(f"the output of {type_name}, whose forward paramwise could not follow ({e.message})")
    finally:
        set_tracer(ctx.interp, None)
    return detach(out)


def detach(value: Any) -> Any:
    if isinstance(value, TTensor):
        return TTensor(value.shape)
    if isinstance(value, (tuple, list)):
        return type(value)(detach(v) for v in value)
    if isinstance(value, dict):
        return {k: detach(v) for k, v in value.items()}
    return value


def instance_forward(module: Any) -> BoundMethod | None:
    if not isinstance(module, Instance):
        return None
    found, fn = module.cls.lookup("forward")
    return BoundMethod(fn, module) if found and isinstance(fn, Function) else None


def leaf_call(tracer: Tracer, module: Any, node: Any, args: list[Any], kwargs: dict[str, Any], ctx: Context,
              own_row: bool = True) -> Any:
    """A built-in module's computation on the call's tensors, recorded as its row's call; `own_row=False`: as a
    tensor operation of its kind (builtin_forward: the row is the subclass's, called when its forward returns)."""
    if not kwargs and all(type(a) is TTensor for a in args):  # the usual call, `layer(x)`
        tensors = list(args)
    else:
        values = [*args, *(kwargs[k] for k in TENSOR_KWARGS if k in kwargs)]
        tensors = [t for t in (as_tensor(v) for v in flatten(values)) if t is not None]
    if not tensors:
        return fail(f"{node.type_name} was called without a tensor paramwise can follow", ctx)
    row = tracer.index.get(id(module))
    at = node.kind.output_size_at if node.kind is not None else None
    if at is not None:
        size = kwargs.get("output_size", args[at] if len(args) > at else None)
        if size is not None and not sized_call(tracer, row, tensors, size):
            return fail(f"{node.type_name} called with output_size={preview(size)} is not followed", ctx)
    # a built-in whose row is a container of its tensors (weight_norm, extra parameters): its kind gives the shape
    as_container = own_row and row is not None and isinstance(tracer.layers[row].kind, Container)
    index = row if own_row and row is not None and not as_container else tracer.hidden(node.type_name, node.kind, ctx)
    outs = tracer.record(index, tensors, ctx)
    call = len(tracer.calls) - 1
    made = [TTensor(s, TensorRef(call, i), tracer) for i, s in enumerate(outs)]
    out = ops.structure(node.type_name, made)
    return container_call(tracer, module, out, ctx) if as_container else out


def sized_call(tracer: Tracer, row: int | None, tensors: list[TTensor], size: Any) -> bool:
    """A call given `output_size=` (a MaxUnpool's, a ConvTranspose's: torch reads its last `rank` entries, so a
    whole shape may be given). The size the module gives anyway: the usual call. Another that torch takes: the
    module's row gets the kind that gives it (Kind.sized), as torch applies it on this call; a module called again
    on other sizes, or a size torch refuses, is not followed."""
    if row is None:
        return False
    layer = tracer.layers[row]
    kind = layer.kind
    rank = getattr(kind, "rank", None)
    if type(rank) is not int or not isinstance(size, (list, tuple)) or len(size) < rank:
        return False
    wanted = tuple(size)[len(size) - rank:]
    if not all(type(d) is int for d in wanted):
        return False
    try:
        out = kind.output_shape([t.shape for t in tensors])
        if isinstance(out, tuple) and tuple(out[len(out) - rank:]) == wanted:
            return True
        if any(row == call.layer for call in tracer.calls):
            return False  # called before on other sizes: one kind per row
        sized = kind.sized([t.shape for t in tensors], wanted)
    except (KindError, TypeError, ValueError, IndexError):
        return False
    if sized is None:
        return False
    tracer.layers[row] = replace(layer, kind=sized)
    return True


def container_call(tracer: Tracer, module: Any, out: Any, ctx: Context) -> Any:
    """Record a call of a container row whose inputs are the tensors its forward returned."""
    index = tracer.index.get(id(module))
    tensors = [t for t in flatten([out]) if isinstance(t, TTensor)]
    if index is None or not tensors:
        return out
    outs = tracer.record(index, tensors, ctx)
    call = len(tracer.calls) - 1
    made = iter([TTensor(s, TensorRef(call, i), tracer) for i, s in enumerate(outs)])
    return rebuild(out, made)


def flatten(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(flatten(v))
        elif isinstance(v, dict):
            out.extend(flatten(list(v.values())))
        else:
            out.append(v)
    return out


def rebuild(value: Any, made: Any) -> Any:
    if isinstance(value, TTensor):
        return next(made)
    if isinstance(value, tuple):
        return tuple(rebuild(v, made) for v in value)
    if isinstance(value, list):
        return [rebuild(v, made) for v in value]
    if isinstance(value, dict):
        return {k: rebuild(v, made) for k, v in value.items()}
    return value
