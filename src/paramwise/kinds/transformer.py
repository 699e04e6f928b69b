"""PyTorch's transformer modules: encoder and decoder layers, their stacks, and the full Transformer.

Each is a composite of other kinds (MultiheadAttention, Linear, LayerNorm); its weights carry the dotted
names torch gives them (`self_attn.in_proj_weight`, `layers.0.linear1.weight`), so they compare one to
one with `named_parameters()`.
"""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from . import make
from .base import (
    REQUIRED,
    ZERO,
    Kind,
    Module,
    factor,
    inner_modules,
    repeated,
    shape_text,
    signature,
    stack_groups,
)
from .wrappers import unwrap

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

LAYER_ARGS = "d_model nhead dim_feedforward dropout activation layer_norm_eps batch_first norm_first bias device dtype"
LAYER_DEFAULTS: dict[str, Any] = dict(
    d_model=REQUIRED, nhead=REQUIRED, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
    batch_first=False, norm_first=False, bias=True,
)

Child = tuple[str, Kind, int]  # (dotted prefix, kind, how many copies: layers.0 ... layers.n-1)


def nested(name: str, kind: Kind) -> list[Module]:
    return [(name, kind.type_name)] + [(f"{name}.{n}", t) for n, t in inner_modules(kind)]


def torch_kind(type_name: str, *args: Any, **kwargs: Any) -> Kind:
    return make("torch", type_name, list(args), kwargs)[0]


def plain(kind: Kind, weights: list[Weight]) -> Expr | None:
    """The kind's own formula, or the plain sum of its parameters."""
    params = [w for w in weights if not w.is_buffer]
    if not params:
        return None
    return kind.formula(weights) or add(*(w.term() for w in params))


class Composite(Kind):
    """A module made of named child modules; its weights are theirs, under dotted names."""

    d_model: Dim

    def children(self) -> list[Child]:
        return []

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        out: list[Weight] = []
        for prefix, kind, copies in self.children():
            inner = kind.weights(None)
            if copies == 1 and not prefix.endswith("layers."):
                out += repeated(inner, 1, prefix)
                continue
            for label, _, group in stack_groups(copies):  # past STACK_LIMIT layers, one group of many copies
                out += repeated(inner, group, f"{prefix}{label}.")
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        terms = []
        for _, kind, copies in self.children():
            expr = plain(kind, kind.weights(None))
            if expr is not None and copies:
                terms.append(expr if copies == 1 else prod(const(copies), expr))
        return add(*terms) if terms else None

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """The sum of its children's, each on the input it is given (a stack: layers × one layer's)."""
        terms = []
        for prefix, kind, copies in self.children():
            ins = self.child_inputs(prefix, inputs)
            found = kind.macs(ins, kind.output_shape(ins))
            if found is None:
                return None
            if found != ZERO and copies:
                terms.append(found if copies == 1 else prod(Factor(copies, "layers"), found))
        return add(*terms) if terms else ZERO

    def child_inputs(self, prefix: str, inputs: list[Shape]) -> list[Shape]:
        """The shapes a child is called on in forward."""
        return inputs

    def check_width(self, shape: Shape, what: str = "input") -> None:
        if not shape or (isinstance(shape[-1], int) and shape[-1] != self.d_model):
            raise KindError(f"expects {what} features of size d_model={self.d_model}; got {shape_text(shape)}")


class TransformerEncoderLayer(Composite):
    """One transformer encoder layer: self-attention (4·(E + 1)·E), a feed-forward block of two linear
    layers (E → dim_feedforward → E) and two layer norms."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:TransformerEncoderLayer": {}}
    signatures = {"torch": signature(LAYER_ARGS, **LAYER_DEFAULTS)}
    n_inputs: ClassVar[tuple[int, int | None]] = (1, 3)
    norms = 2
    attentions: ClassVar[tuple[str, ...]] = ("self_attn",)

    nhead: Dim
    dim_feedforward: Dim
    bias: bool
    batch_first: bool
    activation: Any  # a name, a function or an activation module

    def children(self) -> list[Child]:
        d, ff, bias = self.d_model, self.dim_feedforward, bool(self.bias)
        attention = torch_kind("MultiheadAttention", d, self.nhead, bias=bias, batch_first=self.batch_first)
        out: list[Child] = [(f"{name}.", attention, 1) for name in self.attentions]
        out += [("linear1.", torch_kind("Linear", d, ff, bias=bias), 1), ("linear2.", torch_kind("Linear", ff, d, bias=bias), 1)]
        norm = torch_kind("LayerNorm", d, bias=bias)
        return out + [(f"norm{i + 1}.", norm, 1) for i in range(self.norms)]

    def check(self, inputs: list[Shape]) -> None:
        self.check_width(inputs[0])

    def child_inputs(self, prefix: str, inputs: list[Shape]) -> list[Shape]:
        x = inputs[0]
        if prefix == "self_attn.":
            return [x, x, x]
        if prefix == "multihead_attn.":  # cross-attention: queries from tgt, keys and values from memory
            return [x, inputs[1], inputs[1]]
        return [(*x[:-1], self.dim_feedforward)] if prefix == "linear2." else [x]

    def inner_modules(self) -> list[Module]:
        """Attention, linear1, dropout, linear2, the norms, then one dropout per norm, as torch registers them."""
        attention = torch_kind("MultiheadAttention", self.d_model, self.nhead, bias=bool(self.bias))
        out = [m for name in self.attentions for m in nested(name, attention)]
        out += [("linear1", "Linear"), ("dropout", "Dropout"), ("linear2", "Linear")]
        out += [(f"norm{i + 1}", "LayerNorm") for i in range(self.norms)]
        out += [(f"dropout{i + 1}", "Dropout") for i in range(self.norms)]
        module = getattr(self.activation, "to_layer", None)  # an activation module (nn.GELU()) is registered too
        return out + ([("activation", module().type)] if callable(module) else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        """attentions·4·(E + 1)·E + (E + 1)·ff + (ff + 1)·E + norms·2·E (without the + 1s and 2s when bias=False)."""
        e, ff, bias = factor(self.d_model, "E"), factor(self.dim_feedforward, "ff"), bool(self.bias)

        def plus_one(f: Factor) -> Expr:
            return add(f, const(1)) if bias else f

        attention = prod(const(4 * len(self.attentions)), plus_one(e), e)
        norms = prod(const(self.norms * (2 if bias else 1)), e)
        return add(attention, prod(plus_one(e), ff), prod(plus_one(ff), e), norms)

    def note(self) -> str:
        return "Keras has no transformer layer; its MultiHeadAttention, Dense and LayerNormalization give the same count with separate q/k/v kernels"


class TransformerDecoderLayer(TransformerEncoderLayer):
    """One transformer decoder layer: self-attention, cross-attention over the encoder's memory (each
    4·(E + 1)·E), a feed-forward block (E → dim_feedforward → E) and three layer norms."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:TransformerDecoderLayer": {}}
    signatures = {"torch": signature(LAYER_ARGS, **LAYER_DEFAULTS)}
    n_inputs = (2, None)  # tgt, memory, then masks
    norms = 3
    attentions = ("self_attn", "multihead_attn")

    def check(self, inputs: list[Shape]) -> None:
        self.check_width(inputs[0], "tgt")
        self.check_width(inputs[1], "memory")


class TransformerEncoder(Composite):
    """A stack of num_layers copies of one encoder layer (each with its own weights), then an optional norm."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:TransformerEncoder": {"stack_of": "encoder_layer"}}
    signatures = {
        "torch": signature(
            "encoder_layer num_layers norm enable_nested_tensor mask_check",
            encoder_layer=REQUIRED, num_layers=REQUIRED, enable_nested_tensor=True, mask_check=True,
        ),
    }
    n_inputs: ClassVar[tuple[int, int | None]] = (1, 3)

    stack_of: str  # the argument holding the layer copied
    num_layers: Dim
    norm: Any  # the final norm as given (a layer object) or None
    layer_kind: Kind
    norm_kind: Kind | None

    def setup(self) -> None:
        layer, _, _ = unwrap(self.attrs[self.stack_of], self.stack_of)
        norm = unwrap(self.norm, "norm")[0] if self.norm is not None else None
        if isinstance(self.num_layers, int) and self.num_layers < 0:
            raise KindError(f"num_layers must be 0 or more; got {self.num_layers}")
        self.attrs.update(layer_kind=layer, norm_kind=norm)

    def children(self) -> list[Child]:
        out: list[Child] = [("layers.", self.layer_kind, self.num_layers)]
        return out + ([("norm.", self.norm_kind, 1)] if self.norm_kind is not None else [])

    def check(self, inputs: list[Shape]) -> None:
        self.layer_kind.check(inputs)

    def child_inputs(self, prefix: str, inputs: list[Shape]) -> list[Shape]:
        return inputs[:1] if prefix == "norm." else inputs[:2]

    def inner_modules(self) -> list[Module]:
        copies = self.num_layers if isinstance(self.num_layers, int) else 0
        out = [("layers", "ModuleList")] + [m for label, _, _ in stack_groups(copies) for m in nested(f"layers.{label}", self.layer_kind)]
        return out + (nested("norm", self.norm_kind) if self.norm_kind is not None else [])

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[0]


class TransformerDecoder(TransformerEncoder):
    """A stack of num_layers copies of one decoder layer (each with its own weights), then an optional norm."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:TransformerDecoder": {"stack_of": "decoder_layer"}}
    signatures = {"torch": signature("decoder_layer num_layers norm", decoder_layer=REQUIRED, num_layers=REQUIRED)}
    n_inputs = (2, None)


class Transformer(Composite):
    """The full encoder-decoder transformer: an encoder stack and a decoder stack, each ending in a layer
    norm. forward(src, tgt) -> the shape of tgt."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:Transformer": {}}
    signatures = {
        "torch": signature(
            "d_model nhead num_encoder_layers num_decoder_layers dim_feedforward dropout activation custom_encoder "
            "custom_decoder layer_norm_eps batch_first norm_first bias device dtype",
            d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1,
            activation="relu", layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
        ),
    }
    n_inputs = (2, None)  # src, tgt, then masks

    nhead: Dim
    num_encoder_layers: Dim
    num_decoder_layers: Dim
    dim_feedforward: Dim
    bias: bool
    batch_first: bool

    def stack(self, side: str, layers: int) -> Kind:
        custom = self.attrs[f"custom_{side}"]
        if custom is not None:
            return unwrap(custom, f"custom_{side}")[0]
        args = (self.d_model, self.nhead, self.dim_feedforward)
        layer = torch_kind(f"Transformer{side.title()}Layer", *args, bias=bool(self.bias), batch_first=self.batch_first)
        norm = torch_kind("LayerNorm", self.d_model, bias=bool(self.bias))
        return torch_kind(f"Transformer{side.title()}", layer, layers, norm=norm)

    def children(self) -> list[Child]:
        return [
            ("encoder.", self.stack("encoder", self.num_encoder_layers), 1),
            ("decoder.", self.stack("decoder", self.num_decoder_layers), 1),
        ]

    def inner_modules(self) -> list[Module]:
        return nested("encoder", self.stack("encoder", self.num_encoder_layers)) + nested(
            "decoder", self.stack("decoder", self.num_decoder_layers))

    def check(self, inputs: list[Shape]) -> None:
        self.check_width(inputs[0], "src")
        self.check_width(inputs[1], "tgt")

    def child_inputs(self, prefix: str, inputs: list[Shape]) -> list[Shape]:
        return [inputs[0]] if prefix == "encoder." else [inputs[1], inputs[0]]  # the decoder: tgt, then memory

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        return inputs[1]
