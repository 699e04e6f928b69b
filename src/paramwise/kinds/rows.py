"""Rows that are not layers: the model's inputs, layers paramwise does not know, models used as layers,
PyTorch's bare parameters, buffers, containers and tensor operations in `forward`, and layers known only
by the tensors a file stores for them (custom layers, Lambda: no formula, just sizes)."""

from __future__ import annotations

from functools import cache

from ..errors import KindError
from ..formula import Dim, Expr, Factor, add, prod
from ..ir import Graph, Shape, Weight
from .base import REQUIRED, ZERO, Kind, rows_of, shape_text, signature
from .merge import broadcast

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Input(Kind):
    """An input placeholder: it fixes the shape that flows into the model and has no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:InputLayer": {}, "torch:Input": {}}
    signatures = {
        "keras": signature("shape batch_size dtype sparse ragged batch_shape input_tensor optional name", optional=False),
        "torch": (("shape", REQUIRED),),
    }
    n_inputs = (0, 0)

    shape: tuple[Dim, ...] | list[Dim]

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return tuple(self.shape)


class Unknown(Kind):
    """A layer paramwise does not know: its count is shown as `?` and its input shape is passed through."""

    n_inputs = (0, None)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0] if inputs else ()


class Submodel(Kind):
    """A model used as a layer: its count is the sum of its own layers' counts. It holds the graph only;
    `infer` walks it (once per walk and input shapes), so a kind never calls the walker."""

    n_inputs = (1, None)

    @property
    def graph(self) -> Graph:
        graph: Graph = self.attrs["graph"]
        return graph

    @property
    def distributed(self) -> bool:
        """Keras' TimeDistributed(model): the model applied to every time step, (batch, time, ...) in."""
        return bool(self.attrs.get("distributed"))

    def inner_inputs(self, inputs: list[Shape] | None) -> list[Shape] | None:
        """The input shapes the graph is walked on: a time-distributed model's are one step's (batch, ...)."""
        if not self.distributed or inputs is None:
            return inputs
        if any(len(s) < 3 for s in inputs):
            raise KindError(f"expects (batch, time, ...); got {', '.join(map(shape_text, inputs))}",
                            hint="TimeDistributed needs (batch, time, ...): add a time axis")
        return [(s[0], *s[2:]) for s in inputs]

    def outer_outputs(self, inputs: list[Shape], outputs: list[Shape]) -> list[Shape]:
        """The graph's output shapes as the layer gives them: a time-distributed model's get the time axis back."""
        if not self.distributed:
            return outputs
        return [(inputs[0][0], inputs[0][1], *o[1:]) for o in outputs]

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        raise KindError("is a model: `infer` walks its graph")  # infer walks nested graphs itself

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        raise KindError("is a model: `infer` walks its graph")


# -- PyTorch rows that are not layers ---------------------------------------------------------------


def tensor_dims(shape: tuple[Any, ...]) -> tuple[Factor, ...]:
    return tuple(Factor(d, "") for d in shape)


class Parameter(Kind):
    """A bare nn.Parameter held by a module (a class token, a positional embedding, a scale): counted as it is."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Parameter": {}}
    signatures = {"torch": (("name", REQUIRED), ("shape", REQUIRED), ("requires_grad", True))}
    n_inputs = (0, None)

    name: str
    shape: tuple[Dim, ...] | list[Dim]
    requires_grad: bool

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a tensor: its products are counted where forward uses it."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return [Weight(self.name, tensor_dims(tuple(self.shape)), bool(self.requires_grad),
                       bytes_per_value=self.attrs.get("bytes_per_value", 4))]


class Buffer(Kind):
    """A tensor registered with register_buffer: saved in the state dict, never trained, not a parameter."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Buffer": {}}
    signatures = {"torch": (("name", REQUIRED), ("shape", REQUIRED))}
    n_inputs = (0, None)

    name: str
    shape: tuple[Dim, ...] | list[Dim]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a tensor: not a computation."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return [Weight(self.name, tensor_dims(tuple(self.shape)), False, is_buffer=True,
                       bytes_per_value=self.attrs.get("bytes_per_value", 4))]


class Container(Kind):
    """A module that holds other modules (a user nn.Module, nn.Sequential, nn.ModuleList, nn.ModuleDict):
    its count is the sum of the modules and parameters it holds."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "torch:Module": {}, "torch:Sequential": {}, "torch:ModuleList": {}, "torch:ModuleDict": {},
        "torch:ParameterList": {}, "torch:ParameterDict": {},
    }
    signatures = {
        "torch": (),
        "torch:ModuleList": (("modules", None),), "torch:ModuleDict": (("modules", None),),
        "torch:ParameterList": (("values", None),), "torch:ParameterDict": (("parameters", None),),
    }
    n_inputs = (0, None)
    sums_children: ClassVar[bool] = True

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        # a container's call takes the tensors its forward returned, so its output is those tensors
        return inputs[0] if len(inputs) == 1 else list(inputs)


class TensorOp(Kind):
    """A tensor operation in forward (view, permute, cat, +, indexing ...): no parameters.

    Its result shape was followed from the source when the forward was read.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:TensorOp": {}}
    signatures = {"torch": (("op", REQUIRED), ("result", REQUIRED))}
    n_inputs = (0, None)

    result: Shape | list[Shape]

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        result: Shape | list[Shape] = self.result
        return list(result) if isinstance(result, list) else tuple(result)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """Products of tensors in forward: F.linear, @ / matmul, scaled_dot_product_attention; other tensor
        operations (views, `+`, activations, reductions) multiply nothing together: 0."""
        return operation_macs(str(self.attrs.get("op")), inputs, output)

    def why_not_counted(self) -> str:
        return f"paramwise does not know the products of {self.attrs.get('op')}"


class StoredTensors(Kind):
    """A module known only by the tensors a checkpoint stores for it: its count is their sizes.

    A checkpoint holds no module classes, so there is no formula to check the tensors against.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:StoredTensors": {}}
    signatures = {"torch": (("tensors", REQUIRED),)}
    n_inputs = (0, None)

    tensors: tuple[tuple[str, tuple[int, ...], int, bool], ...]  # (name, shape, bytes per value, is a buffer)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        tensors: tuple[tuple[str, tuple[int, ...], int, bool], ...] = self.tensors
        return [Weight(name, tensor_dims(shape), not is_buffer, is_buffer=is_buffer, bytes_per_value=size)
                for name, shape, size, is_buffer in tensors]


# -- layers known by their stored tensors -----------------------------------------------------------


class StoredWeights(Kind):
    """A layer paramwise cannot explain: its count comes from the tensors stored in the file.

    The output shape is not known, so the input shape is passed on unchanged.
    """

    n_inputs = (0, None)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0] if inputs else ()

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        tensors: tuple[tuple[str, tuple[int, ...]], ...] = self.attrs["stored"]
        trainable: bool = self.attrs.get("trainable", True)
        return [Weight(name, tuple(Factor(d, str(d)) for d in shape), trainable) for name, shape in tensors]

    @staticmethod
    def of(type_name: str, stored: Any, trainable: bool = True) -> StoredWeights:
        return StoredWeights("keras", type_name, {"stored": tuple(stored), "trainable": trainable})


# functions that act value by value (with broadcasting): their output shape is the inputs' broadcast shape
ELEMENTWISE_OPS = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "maximum", "minimum", "power", "mod",
    "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "gelu", "silu", "swish", "elu", "selu", "softplus",
    "softmax", "exp", "log", "sqrt", "abs", "square", "negative", "clip", "cast", "erf", "hard_swish",
    "__operators__.add", "__operators__.sub", "__operators__.mul", "__operators__.truediv",
})


class Operation(Kind):
    """A function applied inside a functional model (`x + 3`, `keras.ops.multiply`): no parameters.

    Element-wise functions give the broadcast shape of their tensor inputs; for any other the output
    shape is not known here and the first input's shape is passed on.
    """

    n_inputs = (0, None)

    @property
    def is_elementwise(self) -> bool:
        name = str(self.attrs.get("function") or self.type_name)
        return snake(name) in ELEMENTWISE_OPS or name.split(".")[-1] in ELEMENTWISE_OPS

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        if not inputs:
            return ()
        if self.is_elementwise and len(inputs) > 1:
            return broadcast(inputs)
        return inputs[0]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0 for elementwise functions; the products TensorOp.macs knows; others are not counted."""
        if self.is_elementwise:
            return ZERO
        name = str(self.attrs.get("function") or self.type_name)
        return operation_macs(name.split(".")[-1], inputs, output)

    def caveat(self) -> str:
        return "" if self.is_elementwise else "the output shape of this function is not known; its input shape is passed on"


# operations that multiply tensors together (torch's and keras.ops' names): counted where the shapes say how
# much, not counted (None) where they do not; every other operation does no matrix product
PRODUCTS = frozenset({
    "matmul", "mm", "bmm", "linear", "scaled_dot_product_attention", "einsum", "dot", "tensordot",
    "inner", "batch_dot", "vdot", "conv", "conv_transpose", "depthwise_conv", "separable_conv", "call", "dot_product_attention",
    "baddbmm", "addmm", "addbmm", "bilinear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "multi_head_attention_forward",
})


def operation_macs(op: str, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
    """The multiply-accumulates of a tensor operation from its input and output shapes (see TensorOp.macs)."""
    if snake(op.split(".")[-1]) not in PRODUCTS:
        return ZERO
    if isinstance(output, list) or not inputs or any(d is None for shape in inputs for d in shape):
        return None
    if op == "linear" and inputs[0]:  # F.linear(x, weight): x's features times weight's rows
        return prod(rows_of(output), Factor(inputs[0][-1], "d_in"), Factor(output[-1] if output else 1, "d_out"))
    if op == "scaled_dot_product_attention" and len(inputs) >= 3 and len(inputs[1]) >= 2:
        q, k, v = inputs[:3]
        return prod(rows_of(q, letter="B·h·L"), Factor(k[-2], "S"), add(Factor(q[-1], "d_k"), Factor(v[-1], "d_v")))
    if op in ("matmul", "mm", "bmm") and inputs[0] and len(inputs) <= 2:
        found = _product_macs(inputs, output)
        return None if found is None else found if found == ZERO else prod(Factor(_size(output), "out"), Factor(found, "inner"))
    return None


def _product_macs(inputs: list[Shape], output: Shape) -> Any:
    """The summed size of a matrix product `a @ b` with these shapes (None when the shapes fit more than one
    reading). One traced input: the other operand is a parameter, on either side."""
    a, out = inputs[0], tuple(output)
    readings: set[Any] = set()
    if len(inputs) == 2:
        b = inputs[1]
        if len(b) >= 2 and a[-1] == b[-2] and out[-1:] == b[-1:] and (len(a) == 1 or out[-2:-1] == a[-2:-1]):
            readings.add(a[-1])
        elif len(b) == 1 and a[-1] == b[0] and out == tuple(a[:-1]):
            readings.add(a[-1])
    else:
        if len(out) == len(a) and out[:-1] == tuple(a[:-1]):
            readings.add(a[-1])  # x @ w
        if len(a) >= 2 and len(out) == len(a) and out[-1] == a[-1] and out[:-2] == tuple(a[:-2]):
            readings.add(a[-2])  # w @ x
    return readings.pop() if len(readings) == 1 else None


def _size(shape: Shape) -> Dim:
    n: Dim = 1
    for d in shape:
        n = n * d
    return n


@cache  # asked for every call of an operation; a model uses a few names
def snake(name: str) -> str:
    """`addN` -> `add_n`: an underscore between an ASCII lower-case letter or digit and a capital, then lower case
    (what `re.sub("([a-z0-9])([A-Z])", r"\\1_\\2", name).lower()` gives)."""
    return "".join("_" + ch if i and ch in _CAPITALS and name[i - 1] in _LOWER_OR_DIGIT else ch
                   for i, ch in enumerate(name)).lower()


_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER_OR_DIGIT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class Untracked(Kind):
    """A layer whose weights are not the model's though the model calls it (Keras does not track a layer that a
    subclassed model's call() makes or uses without keeping it as an attribute): its calls, shapes and products
    are the layer's own, its weights are counted nowhere."""

    n_inputs = (0, None)

    def __init__(self, inner: Kind) -> None:
        super().__init__(inner.framework, inner.type_name, {})
        self.inner = inner

    def check(self, inputs: list[Shape]) -> None:
        self.inner.check(inputs)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return self.inner.output_shape(inputs)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return []

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        return self.inner.macs(inputs, output)  # it still runs on every call
