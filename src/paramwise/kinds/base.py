"""The base of every layer kind, and the shape helpers kinds share."""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..frozen import replace
from ..ir import Shape, Weight
from .values import check_values, describe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar, Protocol, TypeAlias
else:
    Protocol = object  # the protocols below are the type checker's: plain classes at run time


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

Signature: TypeAlias = "tuple[tuple[str, Any], ...]"
Saved: TypeAlias = "list[tuple[str, Any, int]]"  # what autograd keeps for the backward pass (Kind.saved)
INPUT: Saved = [("input", 0, 4)]  # the (fp32) input, as a product or convolution keeps it for its weight's gradient
Spelled: TypeAlias = "tuple[str, list[Any], dict[str, Any]]"  # a layer as a framework spells it: (class name, args, kwargs)


class _Attribute:
    """A kind's declared attribute, read from its `attrs` (a value set on the instance is read first, as before)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, kind: Any, owner: Any = None) -> Any:
        if kind is None:  # the class's own attribute: as if it were not there
            raise AttributeError(self.name)
        try:
            return kind.attrs[self.name]
        except (KeyError, AttributeError):  # not given (or no attrs yet): as __getattr__ says it
            raise AttributeError(self.name) from None


class Kind:
    """A layer with no parameters.

    A kind's attributes live in `attrs` and are read as `self.units`; each kind declares the ones it reads
    (a bare annotation, `units: Dim`, so `attrs` still serves the value) and the type checker sees a typo.
    """

    # "framework:ClassName" -> attributes that spelling fixes (e.g. {"rank": 2, "data_format": ...})
    spellings: ClassVar[dict[str, dict[str, Any]]] = {}
    # framework -> ordered (parameter, default) pairs, as the framework's constructor takes them
    signatures: ClassVar[dict[str, Signature]] = {}
    n_inputs: ClassVar[tuple[int, int | None]] = (1, 1)
    # traits the pitfalls ask: the output keeps spatial axes (a feature map), the output is flat per example
    is_spatial: ClassVar[bool] = False
    flattens: ClassVar[bool] = False
    # called on a list of tensors, never a bare one (Keras merge layers: `Add()([x])` is fine, `Add()(x)` is not)
    takes_list: ClassVar[bool] = False
    # framework -> arguments its constructor stores unchecked and only a call rejects (torch's pools take
    # kernel_size=7.0 and fail in forward): checked by check_at_call(), not when the layer is made
    checked_at_call: ClassVar[dict[str, frozenset[str]]] = {}
    # a wrapper whose weights are those of the layer object it holds (TimeDistributed(d) and d are one set of
    # weights): weights_owner() says which; a walk of the model counts each owner's weights once
    wraps_weights: ClassVar[bool] = False
    # Keras 3 makes this layer's weights in sublayers (MultiHeadAttention's EinsumDense, a wrapper's layer, ConvLSTM's
    # cell) without passing them its constructor's trainable=: `Layer(..., trainable=False)` leaves them trainable
    weights_in_sublayers: ClassVar[bool] = False
    # ... and makes those sublayers in build(), on the first call: `.trainable = False` set before that call reaches none
    sublayers_made_at_build: ClassVar[bool] = False
    # a Keras wrapper that takes a whole model as its layer and applies it (TimeDistributed): infer walks the model
    applies_models: ClassVar[bool] = False
    # where a call takes `output_size=` (its position among the call's arguments; see sized()), None: no such argument
    output_size_at: ClassVar[int | None] = None

    def __init__(self, framework: str, type_name: str, attrs: dict[str, Any]) -> None:
        self.framework = framework
        self.type_name = type_name
        self.attrs = attrs
        check_values(attrs, skip=self.checked_at_call.get(framework, frozenset()))
        self.setup()

    def check_at_call(self) -> None:
        """What the framework only refuses when the layer is called: the arguments in `checked_at_call`, and a
        `call_error` that setup() found (torch's Conv1d(kernel_size=(1, 2)) is made, and its forward fails)."""
        names = self.checked_at_call.get(self.framework)
        if names:  # most kinds have none: no dict made for each call
            check_values({name: value for name, value in self.attrs.items() if name in names})
        if self.attrs.get("call_error"):
            raise KindError(str(self.attrs["call_error"]), hint="the framework's own call refuses this too")

    if not TYPE_CHECKING:  # hidden from mypy: a kind declares each attribute it reads, so a typo is an error

        def __init_subclass__(cls, **kwargs: Any) -> None:
            """Each attribute the class declares (`units: Dim`, no value) is read from `attrs` by a descriptor: a
            name that is not on the class goes through Python's failed lookup and `__getattr__` (0.7 µs a read,
            0.17 µs so; reading ResNet-18 makes about 2,000 such reads)."""
            super().__init_subclass__(**kwargs)
            for name, annotation in cls.__dict__.get("__annotations__", {}).items():
                # a method, property or value of this class or a base keeps its place (a base's descriptor is
                # not found on the class: this class gets one of its own, which reads the same)
                if getattr(cls, name, _Attribute) is _Attribute and not str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                    setattr(cls, name, _Attribute(name))

        def __getattr__(self, name: str) -> Any:
            attrs = self.__dict__.get("attrs")
            if attrs is not None and name in attrs:
                return attrs[name]
            raise AttributeError(name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.type_name}, {self.attrs})"

    # -- hooks a kind overrides -------------------------------------------------------------
    def sized(self, inputs: list[Shape], wanted: tuple[int, ...]) -> Kind | None:
        """This kind with the attributes that make its output's spatial sizes `wanted` on `inputs`, as a call's
        `output_size=` makes them (see output_size_at); None where the framework refuses that size."""
        return None

    def weights_owner(self) -> Kind:
        """The kind whose weights these are: itself, or for a wrapper the layer it holds (see wraps_weights)."""
        return self

    def setup(self) -> None:
        """Normalise attributes after binding (e.g. kernel_size=3 -> (3, 3))."""

    def check(self, inputs: list[Shape]) -> None:
        """The input contract: raise KindError with what was expected and a hint."""

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return []

    def formula(self, weights: list[Weight]) -> Expr | None:
        """A factored formula; None means the plain sum of the weights' products."""
        return None

    def note(self) -> str:
        """One line on where frameworks disagree about this layer (empty when they agree)."""
        return ""

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """The tensors PyTorch's autograd keeps from one training call for the backward pass, besides the
        weights: ("input", i, bytes per value), ("output", i, bytes) or ("new", values, bytes) for a tensor the
        call makes (a dropout mask, pooling indices, a norm's statistics). None: not known for this kind."""
        return None

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """Multiply-accumulates of one call on these input shapes, as a formula (see cost.py for what counts: the
        matrix products and convolutions). None: not counted (unknown). A kind without weights does none by
        default; a kind with weights, or one that multiplies its inputs together, says how many."""
        if type(self).weights is Kind.weights:
            return ZERO
        return None

    def translated(self, shape: Shape) -> Spelled | None:
        """This layer spelled in the other framework, for `--as`: its class name and constructor arguments
        there, given this layer's input shape; None where no translation is known."""
        return None

    def caveat(self) -> str:
        """A warning a frontend shows where the layer is made, e.g. an output shape it cannot know ('' if none)."""
        return ""

    @classmethod
    def why(cls) -> str:
        """The first paragraph of the docstring: what the weights are for, for people."""
        doc = (cls.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    @property
    def kind_name(self) -> str:
        return type(self).__name__


# -- what the helpers shared by several kinds read of them -------------------------------------


class ChannelLayout(Protocol):
    """A layer over `rank` spatial axes with a channel axis first or last (convolutions, pooling, padding)."""

    framework: str
    attrs: dict[str, Any]
    rank: int
    data_format: str  # "channels_last" or "channels_first"


class Grouped(ChannelLayout, Protocol):
    """A convolution whose channels are split into groups."""

    groups: Dim


class Window(ChannelLayout, Protocol):
    """A layer sliding a window over its spatial axes, one size per axis (conv.normalize_window)."""

    kernel_size: tuple[Dim, ...]
    strides: tuple[Dim, ...]
    dilation_rate: tuple[Dim, ...]
    padding: Any  # a Keras word ("valid", "same", "causal") or PyTorch's zeros per axis (a tuple)


class Affine(Protocol):
    """A normalization with a learned scale and shift per channel."""

    framework: str
    use_scale: bool
    use_center: bool


# -- helpers shared by kinds ------------------------------------------------------------------


Module = tuple[str, str]  # (dotted name inside the module, torch class name), in named_modules() order


def inner_modules(kind: Kind) -> list[Module]:
    """The modules torch's `named_modules()` lists inside a built-in module (none for most kinds; a transformer
    layer lists its attention, linears and norms)."""
    found = getattr(kind, "inner_modules", None)
    return list(found()) if callable(found) else []


def signature(names: str, **defaults: Any) -> Signature:
    """`signature("units activation use_bias", units=REQUIRED, use_bias=True)`: every name in the
    framework's positional order (so positional arguments bind exactly), defaulting to None."""
    return tuple((name, defaults.get(name)) for name in names.split())


def tuple_of(value: Any, rank: int, what: str, exact: bool = False) -> tuple[Any, ...]:
    """Keras/PyTorch accept `3` or `(3, 3)`: return a tuple of length `rank`. A one-item tuple stands for
    every axis unless `exact` (Keras refuses `kernel_size=[3]` for Conv2D; PyTorch makes a 1-D kernel of it)."""
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and rank > 1 and not exact:
            return tuple(value) * rank
        if len(value) != rank:
            raise BadValue(what, f"one value or {rank} of them", value, describe(value))
        return tuple(value)
    return (value,) * rank


def conv_length(size: Dim, k: Dim, stride: Dim, padding: Any, dilation: Dim = 1) -> Dim:
    """Output length of a convolution or pooling window along one axis.

    `padding` is "valid", "same", "causal" (Keras) or an int of zeros on each side (PyTorch).
    """
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride)
    pad = 0 if padding == "valid" else padding
    return (size + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def known_positive(value: Dim) -> bool:
    """False only when `value` is a known int below 1 (symbols are given the benefit of the doubt)."""
    return not (isinstance(value, int) and value < 1)


def expect_rank(inputs: list[Shape], rank: int, layout: str, hint: str = "") -> None:
    shape = inputs[0]
    if len(shape) != rank:
        raise KindError(
            f"expects a {rank}-D input {layout}; got {shape_text(shape)}",
            hint=hint,
        )


def expect_min_rank(inputs: list[Shape], rank: int, hint: str = "") -> None:
    shape = inputs[0]
    if len(shape) < rank:
        raise KindError(f"expects an input of rank {rank} or more; got {shape_text(shape)}", hint=hint)


def shape_text(shape: Shape) -> str:
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def last_dim(inputs: list[Shape] | None, what: str = "the last axis") -> Dim:
    if not inputs or not inputs[0]:
        raise KindError(f"needs an input shape to know {what}", hint="give the model an input shape")
    d = inputs[0][-1]
    if d is None:
        raise KindError(f"needs a known size for {what}; got {shape_text(inputs[0])}")
    return d


def weight_plus_bias(kernel: Weight, bias: Weight | None) -> Expr:
    """`(a·b·c + 1)·n` when the bias has one entry per kernel output column `n`."""
    if bias is None:
        return kernel.term()
    if len(bias.dims) == 1 and kernel.dims and kernel.dims[-1].value == bias.dims[0].value:
        inner = prod(*kernel.dims[:-1]) if len(kernel.dims) > 1 else const(1)
        return prod(add(inner, const(1)), bias.dims[0])
    if len(bias.dims) == 1 and kernel.dims and kernel.dims[0].value == bias.dims[0].value:  # PyTorch layout
        inner = prod(*kernel.dims[1:]) if len(kernel.dims) > 1 else const(1)
        return prod(add(inner, const(1)), bias.dims[0])
    return add(kernel.term(), bias.term())


def factor(value: Dim, letter: str) -> Factor:
    return Factor(value, letter)


# -- multiply-accumulates ---------------------------------------------------------------------------
ZERO = Factor(0, "0")  # a layer with no matrix product or convolution (see cost.py for what counts)


def rows_of(shape: Shape, keep: int = 1, letter: str = "N") -> Factor:
    """The product of all but the last `keep` axes of `shape` (batch × sequence × ...): how many vectors a
    matrix is applied to. One factor, lettered `letter` (N = batch·positions)."""
    n: Dim = 1
    for d in shape[: len(shape) - keep]:
        n = n * d
    return Factor(n, letter if len(shape) - keep != 1 else "B")


def matmul_macs(n: Factor, weights: list[Weight], names: tuple[str, ...] | None = None) -> Expr | None:
    """`n` vectors times each matrix in `weights` (every weight of rank 2 or more, or those named): n·(sum of
    their sizes), e.g. N·(d_in·units)."""
    mats = [w for w in weights if not w.is_buffer and (w.name in names if names else len(w.dims) >= 2 and "bias" not in w.name)]
    if not mats:
        return ZERO
    return prod(n, add(*(w.term() for w in mats)))


# -- stacks of identical layers (nn.LSTM's num_layers, nn.TransformerEncoder's layers) ----------------
STACK_LIMIT = 1024  # a stack of up to this many layers lists every layer, as torch names them (any real model)
STACK_SHOWN = 2  # past it, the first layers are listed and the rest is one group counted by multiplication


def stack_groups(layers: Any) -> list[tuple[str, int, Any]]:
    """How a stack of `layers` identical layers is listed: (label, first layer, copies). Each layer is
    `("3", 3, 1)` up to STACK_LIMIT; a longer stack (num_layers=10**12) lists its first STACK_SHOWN layers
    and then one group `("2…999999999999", 2, 999999999998)`, so its weights are never expanded one by one."""
    if isinstance(layers, int) and layers <= STACK_LIMIT:
        return [(str(i), i, 1) for i in range(layers)]
    first = STACK_SHOWN if isinstance(layers, int) else 1  # an unknown number of layers is only known to be >= 1
    shown = [(str(i), i, 1) for i in range(first)]
    return shown + [(f"{first}…{layers - 1}", first, layers - first)]


def repeated(weights: list[Weight], copies: int, prefix: str = "") -> list[Weight]:
    """`weights` standing for `copies` layers at once: a leading dimension of `copies` on each tensor."""
    lead = (Factor(copies, "copies"),) if copies != 1 else ()
    return [replace(w, name=prefix + w.name, dims=lead + w.dims) for w in weights]
