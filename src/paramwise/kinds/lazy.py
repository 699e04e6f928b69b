"""PyTorch rows that are not layers: bare parameters, buffers, containers, tensor operations in `forward`,
and the lazy modules that take their input size from the first call."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import KindError
from ..formula import Factor
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, factor, last_dim, shape_text
from .conv import TORCH_CONV, Conv
from .dense import Dense


def tensor_dims(shape: tuple[Any, ...]) -> tuple[Factor, ...]:
    return tuple(Factor(d, "") for d in shape)


class Parameter(Kind):
    """A bare nn.Parameter held by a module (a class token, a positional embedding, a scale): counted as it is."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Parameter": {}}
    signatures = {"torch": (("name", REQUIRED), ("shape", REQUIRED), ("requires_grad", True))}
    n_inputs = (0, None)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return [Weight(self.name, tensor_dims(tuple(self.shape)), bool(self.requires_grad),
                       bytes_per_value=self.attrs.get("bytes_per_value", 4))]


class Buffer(Kind):
    """A tensor registered with register_buffer: saved in the state dict, never trained, not a parameter."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Buffer": {}}
    signatures = {"torch": (("name", REQUIRED), ("shape", REQUIRED))}
    n_inputs = (0, None)

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
    signatures = {"torch": ()}
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

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        result: Shape | list[Shape] = self.result
        return list(result) if isinstance(result, list) else tuple(result)


class LazyDense(Dense):
    """A fully connected layer whose input size is taken from its first input (nn.LazyLinear)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:LazyLinear": {}}
    signatures = {"torch": (("out_features", REQUIRED), ("bias", True))}

    def setup(self) -> None:
        self.attrs.update(units=self.out_features, d_in=None, use_bias=bool(self.bias))

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        units = factor(self.units, "units")
        kernel = Weight("weight", (units, factor(last_dim(inputs, "in_features (a lazy module)"), "d_in")))
        return [kernel] + ([Weight("bias", (units,))] if self.use_bias else [])

    def note(self) -> str:
        return "a lazy module: PyTorch creates its weights on the first forward call"


class LazyConv(Conv):
    """A convolution whose input channels are taken from its first input (nn.LazyConv1d/2d/3d)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:LazyConv{r}d": {"rank": r} for r in (1, 2, 3)}
    signatures = {"torch": TORCH_CONV[1:]}

    def setup(self) -> None:
        self.attrs["in_channels"] = None
        super().setup()

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs or len(inputs[0]) < 2 or inputs[0][-self.rank - 1] is None:
            raise KindError(f"needs an input shape to know in_channels (a lazy module); got "
                            f"{shape_text(inputs[0]) if inputs else 'no input'}", hint="give --input-shape")
        self.attrs["c_in"] = inputs[0][-self.rank - 1]
        return super().weights(inputs)

    def note(self) -> str:
        return "a lazy module: PyTorch creates its weights on the first forward call"


class StoredTensors(Kind):
    """A module known only by the tensors a checkpoint stores for it: its count is their sizes.

    A checkpoint holds no module classes, so there is no formula to check the tensors against.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:StoredTensors": {}}
    signatures = {"torch": (("tensors", REQUIRED),)}
    n_inputs = (0, None)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        tensors: tuple[tuple[str, tuple[int, ...], int, bool], ...] = self.tensors
        return [Weight(name, tensor_dims(shape), not is_buffer, is_buffer=is_buffer, bytes_per_value=size)
                for name, shape, size, is_buffer in tensors]


LOSSES = ("L1Loss", "MSELoss", "CrossEntropyLoss", "CTCLoss", "NLLLoss", "PoissonNLLLoss", "GaussianNLLLoss",
          "KLDivLoss", "BCELoss", "BCEWithLogitsLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
          "MultiLabelMarginLoss", "HuberLoss", "SmoothL1Loss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
          "CosineEmbeddingLoss", "MultiMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss")


class Loss(Kind):
    """A loss function held as a module (self.criterion = nn.CrossEntropyLoss()): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {f"torch:{name}": {} for name in LOSSES}
    signatures = {"torch": tuple((f"arg{i}", None) for i in range(4))}
    n_inputs = (1, None)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return ()


class Distance(Kind):
    """A distance between two inputs along one axis (nn.CosineSimilarity, nn.PairwiseDistance): no parameters."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:CosineSimilarity": {"dim_first": True},
                                                      "torch:PairwiseDistance": {"dim_first": False}}
    # CosineSimilarity(dim=1, eps), PairwiseDistance(p=2.0, eps, keepdim)
    signatures = {"torch": (("arg0", None), ("eps", 1e-8), ("keepdim", False), ("dim", None), ("p", 2.0))}
    n_inputs = (2, 2)

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = inputs[0]
        dim = self.dim if self.dim is not None else self.arg0 if self.dim_first and self.arg0 is not None else None
        axis = (dim if dim is not None else 1 if self.dim_first else -1) % len(shape)
        return shape[:axis] + ((1,) if self.keepdim else ()) + shape[axis + 1:]
