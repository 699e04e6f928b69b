"""The intermediate representation every frontend produces and `infer` walks.

A `Graph` is a list of layers (one row each, in the order the model defines them) and a list of calls
(applications of a layer to tensors). A Keras layer called twice is one layer with two calls, so its
weights are counted once. PyTorch module trees use `path` names (`layer1.0.conv1`) and `depth`.
"""

from __future__ import annotations

from operator import itemgetter

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
        return tuple([d.value for d in self.dims])

    @property
    def count(self) -> Dim:
        n: Dim = 1
        for d in self.dims:
            n = n * d.value
        return simplify(n)

    def term(self) -> Expr:
        return prod(*self.dims) if self.dims else Factor(1, "1")


class TensorRef(tuple[int, int]):
    """Output `index` of call number `call`.

    A pair, hashed and compared as one by Python itself (a tuple's hash and equality, no Python call): it keys the
    shapes of every walk, several lookups a layer. Equal to the plain tuple `(call, index)`, as a named tuple is."""

    __slots__ = ()

    def __new__(cls, call: int, index: int = 0) -> TensorRef:
        return tuple.__new__(cls, (call, index))

    def __getnewargs__(self) -> tuple[int, int]:  # copy and pickle make it again from (call, index)
        return (self[0], self[1])

    if TYPE_CHECKING:
        @property
        def call(self) -> int: ...

        @property  # shadows tuple.index, as a named tuple's field of that name does
        def index(self) -> int: ...  # type: ignore[override]

    else:
        call = property(itemgetter(0), doc="the call's number")
        index = property(itemgetter(1), doc="which of its outputs")

    def __repr__(self) -> str:
        return f"TensorRef(call={self[0]!r}, index={self[1]!r})"


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
