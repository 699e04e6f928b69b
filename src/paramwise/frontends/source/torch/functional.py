"""torch.nn.functional calls that are modules in disguise (`F.max_pool2d(x, 2)` is `nn.MaxPool2d(2)(x)`) and
the sampling-grid functions, followed for their shapes while a forward is read."""

from __future__ import annotations

from .... import kinds
from ....errors import BadValue, KindError
from ....ir import TensorRef
from ..python.interpreter import preview
from ..python.values import Context
from . import ops
from .traced import TTensor, as_tensor, fail, result, shape_of, tracer_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def sampling_grid(name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """F.affine_grid(theta, size) -> (N, *spatial, 2 or 3); F.grid_sample(x, grid) -> (N, C, *grid spatial)."""
    first = shape_of(args[0] if args else kwargs.get("theta", kwargs.get("input")))
    second = args[1] if len(args) > 1 else kwargs.get("size", kwargs.get("grid"))
    if name == "affine_grid":
        if first is None or not isinstance(second, (tuple, list)) or len(second) not in (4, 5):
            return fail("F.affine_grid of values paramwise cannot read", ctx)
        return result(name, args[:1], (second[0], *second[2:], len(second) - 2), ctx)
    grid = shape_of(second)
    if first is None or grid is None or len(grid) != len(first):
        return fail("F.grid_sample of values paramwise cannot read", ctx)
    return result(name, [args[0], second], first[:2] + grid[1:-1], ctx)


def functional_module(name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`F.max_pool2d(x, 2)` is `nn.MaxPool2d(2)(x)`: the module kind gives the shape rule."""
    type_name, params = ops.FUNCTIONAL_MODULES[name]
    bound = dict(zip(params, args[1:]))
    bound.update({k: v for k, v in kwargs.items() if k in params})
    x = args[0] if args else kwargs.get("input")
    t = as_tensor(x)
    if t is None:
        return fail(f"F.{name} of a value paramwise cannot read", ctx)
    if kinds.lookup("torch", type_name) is None:
        return fail(f"F.{name} is not followed (no kind for nn.{type_name})", ctx)
    try:
        kind, _ = kinds.make("torch", type_name, [], bound)
        kind.check([t.shape])
        out = kind.output_shape([t.shape])
    except BadValue as e:  # a value no call takes: an error, as torch raises it
        shown = e.reworded(preview)
        raise ctx.error(f"F.{name}: {shown.message}", shown.hint) from e
    except KindError as e:
        return fail(f"F.{name}: {e.message}", ctx)
    if isinstance(out, list):
        return fail(f"F.{name} with several results is not followed", ctx)
    tracer = tracer_of(ctx)
    if tracer is None or t.ref is None:
        return TTensor(out)
    index = tracer.hidden(name, kind, ctx)
    outs = tracer.record(index, [t], ctx)
    return TTensor(outs[0], TensorRef(len(tracer.calls) - 1, 0), tracer)
