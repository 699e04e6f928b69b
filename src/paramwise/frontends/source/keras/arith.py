"""Arithmetic and methods of Keras tensors and NumPy arrays while a file is interpreted (`x * w`, `x @ w`,
`x.reshape(...)`), the unknown sizes `ops.shape` gives for axes of unknown size, and a Lambda's function followed
to find its output shape."""

from __future__ import annotations

import ast

from .... import kinds
from ....errors import InputError, LimitError
from ....ir import Shape
from ..python.values import BoundMethod, Context, Function, HostValue, Opaque
from . import layers as klayers  # a module, not names: layers imports this module while it loads
from . import tensors as shapes

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any

MAX_ROWS = 1 << 16  # data with more rows than this is not looped over (len() of it is an error)

# methods of a tensor (or a NumPy array) that keep or change its shape as the function of that name does
METHODS = {"reshape": "reshape", "astype": "cast", "numpy": "identity", "transpose": "transpose", "sum": "sum",
           "mean": "mean", "max": "max", "min": "min", "squeeze": "squeeze", "flatten": "flatten", "copy": "identity"}


class UnknownDim(HostValue):
    """A size `ops.shape(x)` gives for an axis of unknown size (the batch): arithmetic on it is unknown too, and a
    shape made with it has None there, as Keras traces it."""

    def __init__(self, factor: Fraction | int | None = 1) -> None:
        self.factor = factor  # this size is `factor` times the unknown one (`B * 2`, `B // 4`); None: not known

    def __repr__(self) -> str:
        return "None"

    def py_binop(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        other = right if left is self else left
        factor: Fraction | None = None
        if self.factor is not None and isinstance(other, int) and not isinstance(other, bool) and other > 0:
            # exact ratios; imported only where a file does arithmetic on the batch size
            from fractions import Fraction

            if op is ast.Mult:
                factor = Fraction(self.factor) * other
            elif op in (ast.FloorDiv, ast.Div) and left is self:
                factor = Fraction(self.factor) / other
        return UnknownDim(factor)


def known_dims(value: Any) -> Any:
    """A shape (or a size) with each UnknownDim as None."""
    if isinstance(value, UnknownDim):
        return None
    if isinstance(value, (list, tuple)) and any(isinstance(v, UnknownDim) for v in value):
        return type(value)(None if isinstance(v, UnknownDim) else v for v in value)
    return value


class TensorMethod(HostValue):
    def __init__(self, tensor: klayers.KTensor, name: str) -> None:
        self.tensor = tensor
        self.name = name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if self.name == "tolist":
            return list(self.tensor.session.values[self.tensor.ref.call])
        name = METHODS[self.name]
        if name == "reshape" and len(args) > 1:
            args = [tuple(args)]
        args = [known_dims(a) for a in args]
        try:
            shape = shapes.shape_result(name, [self.tensor.shape_of()], [self.tensor, *args], kwargs)
        except shapes.ShapeError as e:
            raise shapes.shape_failed(self.name, e, ctx.location) from e
        return self.tensor.session.op(name, [self.tensor], shape, ctx)


def shape_of_value(value: Any) -> Shape | None:
    """The shape of a tensor-like value (a tensor, a weight), or None for anything else."""
    shape = getattr(value, "shape_of", None)
    return shape() if callable(shape) and isinstance(value, HostValue) else None


def tensor_binop(session: klayers.Session, op: type, left: Any, right: Any, ctx: Context) -> Any:
    """`x + y`, `x * 2`, `x @ w`: element-wise (the broadcast shape of the tensor operands) or a matrix product."""
    sides = [s for s in (shape_of_value(left), shape_of_value(right)) if s is not None]
    tensors = [v for v in (left, right) if isinstance(v, klayers.KTensor)]
    if isinstance(left, Opaque) or isinstance(right, Opaque):
        if op is ast.MatMult or len(sides) != 1:
            return Opaque("arithmetic")
        other = right if isinstance(right, Opaque) else left
        ctx.warn("assumed_shape", f"an operand of this arithmetic ({other.what}) is not read; the result is taken to "
                 "have the shape of the tensor", hint="if it is a tensor of another shape, the shapes after it are wrong")
    try:
        if op is ast.MatMult:
            if len(sides) != 2:
                raise shapes.ShapeError("@ needs two tensors")
            shape = shapes.matmul(sides[0], sides[1])
        else:
            shape = shapes.broadcast(sides)
    except shapes.ShapeError as e:
        raise shapes.shape_failed("@" if op is ast.MatMult else "arithmetic", e, ctx.location) from e
    what = BINOP_NAMES.get(op, "arithmetic")
    if len(tensors) == 2 and op is not ast.MatMult:  # keras.ops broadcasting, not the Add layer's
        kind = kinds.make("keras", "BroadcastOp", [], {})[0]
        layer = klayers.LayerObj(session, "Add", kind, session.op_name(what, tensors), ctx.location)
        layer.hidden = True
        out = session.record(layer, tensors, ctx)[0]
        if session.is_eager(tensors):
            session.eager.add(out.ref.call)
        return out
    return session.op(what, tensors, shape, ctx)


COMPARE_NAMES: dict[type, str] = {ast.Gt: "greater", ast.GtE: "greater_equal", ast.Lt: "less", ast.LtE: "less_equal",
                                  ast.Eq: "equal", ast.NotEq: "not_equal"}


def tensor_compare(session: klayers.Session, op: type, left: Any, right: Any, ctx: Context) -> Any:
    """`i >= j` of tensors: an element-wise comparison (a tensor of the broadcast shape); `x is None` is Python's."""
    if op is ast.Is:
        return left is right
    if op is ast.IsNot:
        return left is not right
    if op not in COMPARE_NAMES or isinstance(left, Opaque) or isinstance(right, Opaque):
        return Opaque("comparison")
    sides = [s for s in (shape_of_value(left), shape_of_value(right)) if s is not None]
    tensors = [v for v in (left, right) if isinstance(v, klayers.KTensor)]
    try:
        shape = shapes.broadcast(sides)
    except shapes.ShapeError as e:
        raise shapes.shape_failed(COMPARE_NAMES[op], e, ctx.location) from e
    return session.op(COMPARE_NAMES[op], tensors, shape, ctx)


BINOP_NAMES: dict[type, str] = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "true_divide",
               ast.FloorDiv: "floor_divide", ast.Pow: "power", ast.Mod: "mod", ast.MatMult: "matmul"}
# the names of Keras' operation classes, where a function's name differs (tf.concat is ops.concatenate)
OP_NAMES = {"getitem": "get_item", "concat": "concatenate", "reduce_sum": "sum", "reduce_mean": "mean",
            "reduce_max": "max", "reduce_min": "min", "reduce_prod": "prod", "permute_dims": "transpose",
            "pow": "power", "reduce_std": "std", "reduce_variance": "var", "reduce_logsumexp": "logsumexp"}


def follow_lambda(layer: klayers.LayerObj, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
    """A Lambda's output shape, read from its function called on its input (as Keras does, symbolically);
    when the function cannot be followed, the input shape is assumed and the reading says it is incomplete."""
    function = layer.kind.attrs.get("function")
    arguments = layer.kind.attrs.get("arguments")
    inputs = args[0] if args else kwargs.get("inputs")
    reason = "its function is not one the file defines"
    if isinstance(function, (Function, BoundMethod)):
        layer.session.tracing += 1
        try:
            result = ctx.call(function, [inputs], dict(arguments) if isinstance(arguments, dict) else {})
        except LimitError:
            raise
        except InputError as e:
            result, reason = None, f"its function could not be followed ({e.message})"
        finally:
            layer.session.tracing -= 1
        outs = klayers.collect_tensors([result], {})
        first = klayers.collect_tensors([inputs], {})
        if len(outs) == 1 and isinstance(result, klayers.KTensor) and first and outs[0].shape_of()[:1] == first[0].shape_of()[:1]:
            layer.kind.attrs["output_shape"] = tuple(outs[0].shape_of()[1:])
            return
        if result is not None:
            reason = "its function does not return one tensor with the batch axis of its input"
    ctx.warn("assumed_shape", f"Lambda '{layer.name}': {reason}; its output is taken to have the shape of its input",
             hint="give the Lambda output_shape=(...) (without the batch axis)")
