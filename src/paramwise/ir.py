"""The intermediate representation every frontend produces and `infer` walks.

A `Graph` is a list of layers (one row each, in the order the model defines them) and a list of calls
(applications of a layer to tensors). A Keras layer called twice is one layer with two calls, so its
weights are counted once. PyTorch module trees use `path` names (`layer1.0.conv1`) and `depth`.
"""

from __future__ import annotations

from .errors import Diagnostic, Location
from .formula import Dim, Expr, Factor, prod, simplify
from .frozen import field, frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .kinds.base import Kind

Shape = tuple[Dim, ...]


@frozen
class Weight:
    """One tensor a layer creates: its name in the framework, its dims (with glossary letters)."""

    name: str
    dims: tuple[Factor, ...]
    trainable: bool = True
    is_buffer: bool = False  # PyTorch buffers: reported apart, never counted as parameters
    bytes_per_value: int = 4

    @property
    def shape(self) -> tuple[Dim, ...]:
        return tuple(d.value for d in self.dims)

    @property
    def count(self) -> Dim:
        n: Dim = 1
        for d in self.dims:
            n = n * d.value
        return simplify(n)

    def term(self) -> Expr:
        return prod(*self.dims) if self.dims else Factor(1, "1")


@frozen
class TensorRef:
    """Output `index` of call number `call`."""

    call: int
    index: int = 0


@frozen
class Call:
    """One call of a layer: which layer, on which tensors, where in the input."""

    layer: int
    inputs: tuple[TensorRef, ...]
    location: Location | None = None
    n_outputs: int = 1


@frozen
class Layer:
    """One layer of a model: its name, type, kind and where it is defined."""

    name: str
    type: str  # the framework's class name, e.g. Conv2D or Conv2d
    kind: Kind
    location: Location | None = None
    trainable: bool = True
    depth: int = 0
    parent: str | None = None  # name of the enclosing row (nested models, PyTorch containers)
    frozen: frozenset[str] = frozenset()  # weight names frozen one by one (requires_grad=False)
    tied: tuple[tuple[str, str], ...] = ()  # (weight name, "other_layer.weight") for shared tensors
    stored: tuple[tuple[str, tuple[int, ...]], ...] | None = None  # real tensors, where a file holds them
    hidden: bool = False  # plumbing with no row of its own (Sequential's implicit input, `x + y` ops)


@frozen
class Graph:
    """A model as its readers give it: the layers, the calls between them, and what the reader adds (meta)."""

    framework: str  # "keras" or "torch"
    name: str
    layers: tuple[Layer, ...]
    calls: tuple[Call, ...] = ()
    inputs: tuple[TensorRef, ...] = ()
    outputs: tuple[TensorRef, ...] = ()
    source: str = ""
    location: Location | None = None
    warnings: tuple[Diagnostic, ...] = ()
    symbols: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
