"""The tensor while a module is read (`TTensor`: its shape, where the graph made it) and the tracer that
records module calls and tensor operations while `forward` is followed, kept in the interpreter of the read
(`interp.reader["tracer"]`). forward, tensors, containers, functional and einops build on these; what a tensor does
(attributes, indexing, arithmetic, comparison) is theirs, reached through `modules.operations()`."""

from __future__ import annotations

import ast

from ....errors import InputError
from ....frozen import field, record
from ....infer import apply_call
from ....ir import Call, Layer, Shape, TensorRef
from ....kinds.rows import TensorOp
from ..python.interpreter import Interpreter
from ..python.values import Atomic, Context, Opaque
from .modules import ParamValue, TensorArithmetic, operations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


class TraceStop(Exception):
    def __init__(self, message: str, node: ast.AST | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


@record
class Tracer:
    """The calls recorded while `forward` is followed, against the graph's layer list."""

    layers: list[Layer]
    index: dict[int, int]  # id(module value) -> its layer
    calls: list[Call] = field(default_factory=list)
    shapes: list[list[Shape]] = field(default_factory=list)
    scratch: bool = False  # a forward run while the model is built, for the shapes it gives (nothing kept)

    def record(self, layer: int, inputs: list[TTensor], ctx: Context) -> list[Shape]:
        refs = tuple([self.ref_of(t, ctx) for t in inputs])
        location = ctx.location
        try:
            out = apply_call(self.layers[layer], [t.shape for t in inputs], location)
        except InputError as e:
            raise TraceStop(e.message, ctx.node) from e
        outs: list[Shape] = out if isinstance(out, list) else [out]
        self.calls.append(Call(layer, refs, location, len(outs)))
        self.shapes.append(outs)
        return outs

    def ref_of(self, t: TTensor, ctx: Context) -> TensorRef:
        """A tensor made in forward (torch.arange, a parameter) enters the graph as a hidden constant."""
        if t.ref is None:
            t.ref = self.op("tensor", [], t.shape, ctx).ref
        assert t.ref is not None
        return t.ref

    def hidden(self, name: str, kind: Any, ctx: Context) -> int:
        self.layers.append(Layer(name, kind.type_name, kind, ctx.location, hidden=True))
        return len(self.layers) - 1

    def op(self, name: str, inputs: list[TTensor], result: Shape, ctx: Context) -> TTensor:
        kind = TensorOp("torch", name, {"op": name, "result": result})
        index = self.hidden(name, kind, ctx)
        self.record(index, inputs, ctx)
        return TTensor(result, TensorRef(len(self.calls) - 1, 0), self)


def fail(message: str, ctx: Context) -> Any:
    """While `forward` is followed, stop there; while the model is built, the value is just not known."""
    if tracer_of(ctx) is not None:
        raise TraceStop(message, ctx.node)
    return Opaque(message)


def tracer_of(ctx: Context) -> Tracer | None:
    """The tracer following `forward` for this interpreter (None while the model is being built)."""
    tracer: Tracer | None = ctx.interp.reader.get("tracer")
    return tracer


def set_tracer(interp: Interpreter, tracer: Tracer | None) -> None:
    """Follow `forward` with `tracer` from now on (None: stop following)."""
    if tracer is None:
        interp.reader.pop("tracer", None)
    else:
        interp.reader["tracer"] = tracer


def examples(interp: Interpreter) -> dict[int, Shape]:
    """The first input shape the file itself calls each module with: id(module) -> shape."""
    found: dict[int, Shape] = interp.reader.setdefault("examples", {})
    return found


COMPARISONS: dict[type, str] = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq", ast.NotEq: "ne"}


class TensorType(Atomic):
    """`type(t)` of a tensor: torch.Tensor, never a list or a tuple (`if type(x) not in (list, tuple): x = [x]`)."""

    def __repr__(self) -> str:
        return "<class 'torch.Tensor'>"

    def __eq__(self, other: object) -> bool:  # `torch.Tensor` read from the file answers for itself (TorchFunction)
        return True if isinstance(other, TensorType) else NotImplemented

    def __hash__(self) -> int:
        return hash("torch.Tensor")

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return "Tensor" if name in ("__name__", "__qualname__") else Opaque(f"torch.Tensor.{name}")


TENSOR_TYPE = TensorType()


class TTensor(TensorArithmetic):
    """A tensor while code is read: its shape, and where the graph made it (None for constants)."""

    def __init__(self, shape: Shape, ref: TensorRef | None = None, tracer: Tracer | None = None,
                 values: list[Any] | None = None) -> None:
        self.shape = tuple(shape)
        self.ref = ref
        self.tracer = tracer
        self.values = values  # the values of a small tensor made from numbers (torch.linspace), else None

    def __repr__(self) -> str:
        return f"<tensor {self.shape}>"

    def py_type(self) -> Any:
        return TENSOR_TYPE

    def __lt__(self, other: Any) -> Any:
        return operations().compare("lt", self, other)

    def __le__(self, other: Any) -> Any:
        return operations().compare("le", self, other)

    def __gt__(self, other: Any) -> Any:
        return operations().compare("gt", self, other)

    def __ge__(self, other: Any) -> Any:
        return operations().compare("ge", self, other)

    def py_compare(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        """`x >= grid[:, :-1]` is a tensor of the broadcast shape, as torch compares element-wise; `is`/`in` are
        Python's (a tensor `is None` is False)."""
        name = COMPARISONS.get(op)
        if name in ("eq", "ne") and (left is None or right is None):  # `t == None` is False in torch
            return name == "ne"
        if name is None:
            if op in (ast.Is, ast.IsNot):
                return (left is right) == (op is ast.Is)
            return Opaque("comparison")
        result = operations().compare(name, left, right)
        return Opaque("comparison") if result is NotImplemented else result

    def __int__(self) -> int:
        value: int = operations().scalar(self, int)
        return value

    def __index__(self) -> int:
        if self.values is None or len(self.values) != 1 or not isinstance(self.values[0], int):
            raise TypeError("only a tensor of one known integer can be an index")
        return int(self.values[0])

    def __float__(self) -> float:
        value: float = operations().scalar(self, float)
        return value

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return operations().tensor_attr(self, name, ctx)


def constant(shape: Shape) -> TTensor:
    return TTensor(shape)


def shape_of(value: Any) -> Shape | None:
    if isinstance(value, TTensor):
        return value.shape
    if isinstance(value, ParamValue):
        return tuple(value.shape)
    return None


def as_tensor(value: Any) -> TTensor | None:
    if isinstance(value, TTensor):
        return value
    if isinstance(value, ParamValue):
        return TTensor(tuple(value.shape))
    return None


def result(name: str, inputs: list[Any], shape: Shape, ctx: Context) -> TTensor:
    """A new tensor of `shape` from `inputs`: recorded when it depends on the traced input."""
    tensors = [t for t in (as_tensor(v) for v in inputs) if t is not None]
    tracer = tracer_of(ctx)
    if tracer is None or not any(t.ref is not None for t in tensors):
        return TTensor(shape)
    return tracer.op(name, tensors, shape, ctx)
