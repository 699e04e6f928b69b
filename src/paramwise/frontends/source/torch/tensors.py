"""Tensors the code makes while a model is built, beyond their shapes: the values of small ones it loops over
(`for x in torch.linspace(0, 0.1, 3)`, `x.item()`), comparisons, and the functions that make grids and tables
(`torch.meshgrid`, `torch.outer`, `torch.einsum`, `torch.polar`).

Values are kept only where torch's own result is exact to read (arange, linspace, tensor of numbers, and
what keeps them unchanged: float(), to(), clone() ...); any other operation gives a tensor of known shape and
unknown values, whose `item()` cannot be read (an error where it becomes a size, never a guess).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from ....formula import is_symbolic
from ..python.values import Context, Opaque
from . import ops
from .traced import TTensor, fail, result, shape_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_VALUES = 4096  # the most values kept for one tensor (a loop over a bigger one is not a model's business)
KEEPS_VALUES = {"float", "double", "half", "bfloat16", "to", "type", "contiguous", "clone", "detach", "cpu", "cuda", "numpy",
                "requires_grad_", "type_as", "long", "int"}
CASTS = {"long": int, "int": int, "float": float, "double": float}
ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {ast.Add: operator.add, ast.Sub: operator.sub,
                                                    ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq,
           "ne": operator.ne}


def is_size(d: Any) -> bool:
    return (isinstance(d, int) and not isinstance(d, bool) and d >= 0) or is_symbolic(d)


def known_shape(shape: tuple[Any, ...]) -> bool:
    return all(is_size(d) for d in shape)


def arange_values(args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    if len(args) > 3:
        return None
    start, end, step = ops.arange_bounds(args, kwargs)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, end, step)) or not step:
        return None
    n = -(-(end - start) // step)
    if not 0 <= n <= MAX_VALUES:
        return None
    return [start + i * step for i in range(int(n))]


def linspace_values(args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    start, end = ops.arg(args, kwargs, 0, "start"), ops.arg(args, kwargs, 1, "end")
    steps = ops.arg(args, kwargs, 2, "steps")
    if not all(isinstance(v, (int, float)) for v in (start, end)) or not isinstance(steps, int) or not 0 <= steps <= MAX_VALUES:
        return None
    if steps == 1:
        return [float(start)]
    return [start + (end - start) * i / (steps - 1) for i in range(steps)]


def data_values(args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    data = args[0] if args else kwargs.get("data")
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return [data]
    if isinstance(data, (list, tuple)) and len(data) <= MAX_VALUES and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in data):
        return list(data)
    return None


def legacy_values(args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    data = args[0] if len(args) == 1 else None
    return data_values(args, kwargs) if isinstance(data, (list, tuple)) and not isinstance(data, ops.TorchSize) else None


VALUE_MAKERS: dict[str, Callable[[list[Any], dict[str, Any]], list[Any] | None]] = {
    "arange": arange_values, "linspace": linspace_values, "tensor": data_values, "as_tensor": data_values,
    **{n: legacy_values for n in ("Tensor", "FloatTensor", "LongTensor", "IntTensor", "DoubleTensor")},
}


def made_values(name: str, args: list[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    maker = VALUE_MAKERS.get(name)
    return maker(args, kwargs) if maker is not None else None


def iterate(tensor: Any) -> Any:
    """`for x in t`: the tensors along the first axis (with their values where they are known)."""
    shape = tensor.shape
    if not shape or not isinstance(shape[0], int) or shape[0] > MAX_VALUES:
        return None
    values = getattr(tensor, "values", None)
    if values is not None and len(shape) == 1 and len(values) == shape[0]:
        return [TTensor((), values=[v]) for v in values]
    return [TTensor(shape[1:]) for _ in range(shape[0])]


def item(tensor: Any, ctx: Context) -> Any:
    values = getattr(tensor, "values", None)
    if values is not None and len(values) == 1:
        return values[0]
    return Opaque("tensor.item() of a tensor whose values paramwise does not know")


def tolist(tensor: Any, ctx: Context) -> Any:
    values = getattr(tensor, "values", None)
    if values is not None and len(tensor.shape) == 1:
        return list(values)
    return Opaque("tensor.tolist() of a tensor whose values paramwise does not know")


def scalar(tensor: Any, cast: Callable[[Any], Any]) -> Any:
    """`int(t)`, `float(t)`, `range(t)` of a one-value tensor whose value is known (else Python's TypeError)."""
    values = getattr(tensor, "values", None)
    if values is None or len(values) != 1:
        raise TypeError("the value of this tensor is not known")
    return cast(values[0])


def cast_values(name: str, values: list[Any] | None) -> list[Any] | None:
    if values is None:
        return None
    cast = CASTS.get(name)
    return [cast(v) for v in values] if cast is not None else list(values)


def arithmetic_values(op: type, left: Any, right: Any) -> list[Any] | None:
    """`torch.arange(4) * 2`: values of a tensor with known values and a plain number."""
    fn = ARITHMETIC.get(op)
    lv, rv = getattr(left, "values", None), getattr(right, "values", None)
    number = (int, float)
    try:
        if fn is not None and lv is not None and isinstance(right, number) and not isinstance(right, bool):
            return [fn(v, right) for v in lv]
        if fn is not None and rv is not None and isinstance(left, number) and not isinstance(left, bool):
            return [fn(left, v) for v in rv]
    except ArithmeticError:
        return None
    return None


def compare(name: str, left: Any, right: Any) -> Any:
    """`x >= grid[:, :-1]`: a tensor of the broadcast shape (values kept for a tensor against a number)."""
    ls, rs = shape_of(left), shape_of(right)
    if ls is None and not isinstance(left, (int, float)) or rs is None and not isinstance(right, (int, float)):
        return NotImplemented
    try:
        shape = ops.broadcast(ls if ls is not None else (), rs if rs is not None else ())
    except ops.OpError:
        return Opaque(f"comparison of tensors of shapes {ls} and {rs}")
    lv, rv = getattr(left, "values", None), getattr(right, "values", None)
    values = None
    if lv is not None and isinstance(right, (int, float)):
        values = [COMPARE[name](v, right) for v in lv]
    elif rv is not None and isinstance(left, (int, float)):
        values = [COMPARE[name](left, v) for v in rv]
    return TTensor(shape, values=values)


# -- functions that make tensors --------------------------------------------------------------------------


def meshgrid(args: list[Any], kwargs: dict[str, Any]) -> Any:
    items = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    shapes = [shape_of(t) for t in items]
    if not items or any(s is None or len(s) > 1 for s in shapes):
        return None
    lengths = [s[0] if s else 1 for s in shapes if s is not None]
    if kwargs.get("indexing", "ij") == "xy" and len(lengths) > 1:
        lengths[0], lengths[1] = lengths[1], lengths[0]
    return tuple(TTensor(tuple(lengths)) for _ in items)


def outer(a: Any, b: Any) -> Any:
    sa, sb = shape_of(a), shape_of(b)
    if sa is None or sb is None or len(sa) != 1 or len(sb) != 1:
        return None
    return (sa[0], sb[0])


def einsum(equation: Any, operands: list[Any]) -> Any:
    """`torch.einsum("i,j->ij", t, freqs)`: the output's sizes from the letters of the inputs; `...` stands for the
    same axes in each operand (broadcast, as torch does) and in the output."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    if not isinstance(equation, str):
        return None
    spec = equation.replace(" ", "")
    inputs, _, output = spec.partition("->")
    terms = inputs.split(",")
    shapes = [shape_of(t) for t in operands]
    if len(terms) != len(operands) or any(s is None for s in shapes):
        return None
    sizes: dict[str, Any] = {}
    dots: list[tuple[Any, ...]] = []
    for term, shape in zip(terms, shapes):
        if shape is None or term.count("...") > 1 or "." in term.replace("...", ""):
            return None
        head, found, tail = term.partition("...")
        if found:
            n = len(shape) - len(head) - len(tail)
            if n < 0:
                return None
            dots.append(tuple(shape[len(head):len(head) + n]))
            shape = (*shape[:len(head)], *shape[len(head) + n:])
            term = head + tail
        if len(term) != len(shape):
            return None
        for letter, d in zip(term, shape):
            if sizes.get(letter, 1) == 1 or d != 1:
                sizes[letter] = d
    try:
        ellipsis = ops.broadcast(*dots) if dots else ()
    except ops.OpError:
        return None
    if "->" not in spec:
        counts = {c: inputs.count(c) for c in sizes}
        output = ("..." if dots else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    head, found, tail = output.partition("...")
    if found and not dots or "." in (head + tail) or any(c not in sizes for c in head + tail):
        return None
    return (*(sizes[c] for c in head), *(ellipsis if found else ()), *(sizes[c] for c in tail))


def make(name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """The functions of this module by torch name; None where `name` is not one of them."""
    if name == "meshgrid":
        return meshgrid(args, kwargs) or fail("torch.meshgrid of values paramwise cannot read", ctx)
    if name in ("outer", "ger"):
        shape = outer(*(args + [None, None])[:2])
        return result(name, args[:2], shape, ctx) if shape is not None else fail(f"torch.{name} of these values", ctx)
    if name == "einsum":
        shape = einsum(args[0] if args else kwargs.get("equation"), list(args[1:]))
        return result(name, list(args[1:]), shape, ctx) if shape is not None else fail("torch.einsum not followed", ctx)
    if name == "polar" and len(args) == 2:
        return TTensor(ops.broadcast(*(tuple(getattr(a, "shape", ())) for a in args)))
    return None


__all__ = ["MAX_VALUES", "KEEPS_VALUES", "made_values", "iterate", "item", "compare", "make", "known_shape"]
