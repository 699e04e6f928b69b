"""The module tree of a transformers model, laid out from its config: one row per module, named as
transformers names it (`model.layers.0.self_attn.q_proj`), each with the kind that explains its count.
Containers (`model`, `model.layers`, `model.layers.0`) are added above their first module and sum it up."""

from __future__ import annotations

from .... import kinds
from ....frozen import frozen
from ....ir import Graph, Layer
from ....kinds.base import Kind
from ....kinds.hf import Experts, Router, TransposedLinear
from ....kinds.rows import Container, Parameter

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

EMBEDDING, OUTPUT = "embedding", "output"  # roles --no-embeddings leaves out


@frozen
class Module:
    """One module of a Hugging Face model as transformers names it: its kind, role and the weight it is tied to."""

    path: str
    type: str
    kind: Kind
    role: str = ""
    tied_to: str = ""  # "model.embed_tokens.weight": this module's weight is that tensor (counted there)


@frozen
class MoE:
    """One mixture-of-experts block's experts: `experts` of them, `per_token` used per token."""

    path: str
    experts: int
    per_token: int
    params: int  # all the experts' parameters together


class Model:
    """Collects a model's modules in the order transformers creates them."""

    def __init__(self, class_name: str) -> None:
        self.class_name = class_name
        self.modules: list[Module] = []
        self.moe: list[MoE] = []
        self.container_types: dict[str, str] = {}
        self._kinds: dict[Any, Kind] = {}

    def kind(self, spelling: str, **attrs: Any) -> Kind:
        key = (spelling, tuple(sorted(attrs.items())))
        if key not in self._kinds:
            self._kinds[key] = kinds.make("torch", spelling, [], attrs)[0]
        return self._kinds[key]

    def add(self, path: str, type_name: str, kind: Kind, role: str = "", tied_to: str = "") -> None:
        self.modules.append(Module(path, type_name, kind, role, tied_to))

    def linear(self, path: str, d_in: int, d_out: int, bias: bool = True, role: str = "", tied_to: str = "") -> None:
        self.add(path, "Linear", self.kind("Linear", in_features=d_in, out_features=d_out, bias=bias), role, tied_to)

    def conv1d(self, path: str, d_in: int, d_out: int) -> None:
        """GPT-2's Conv1D(nf=d_out, nx=d_in): a linear layer stored transposed."""
        self.add(path, "Conv1D", TransposedLinear("torch", "Conv1D", {"d_in": d_in, "units": d_out}))

    def embedding(self, path: str, vocab: int, width: int, role: str = EMBEDDING, type_name: str = "Embedding") -> None:
        self.add(path, type_name, self.kind("Embedding", num_embeddings=vocab, embedding_dim=width), role)

    def layer_norm(self, path: str, width: int, bias: bool = True, affine: bool = True, type_name: str = "LayerNorm") -> None:
        self.add(path, type_name, self.kind("LayerNorm", normalized_shape=width, elementwise_affine=affine, bias=bias))

    def rms_norm(self, path: str, width: int, type_name: str = "RMSNorm") -> None:
        self.add(path, type_name, self.kind("RMSNorm", normalized_shape=width))

    def conv(self, path: str, rank: int, c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0,
             bias: bool = True) -> None:
        spelling = f"Conv{rank}d"
        self.add(path, spelling, self.kind(spelling, in_channels=c_in, out_channels=c_out, kernel_size=kernel,
                                           stride=stride, padding=padding, bias=bias))

    def parameter(self, path: str, shape: tuple[int, ...], role: str = "") -> None:
        name = path.rsplit(".", 1)[-1]
        self.add(path, "Parameter", Parameter("torch", "Parameter", {"name": name, "shape": shape, "requires_grad": True}), role)

    def experts(self, path: str, experts: int, hidden: int, ffn: int, per_token: int, bias: bool = False) -> None:
        self.add(path, "Experts", Experts("torch", "Experts", {"experts": experts, "hidden": hidden, "ffn": ffn, "bias": bias}))
        each = 3 * hidden * ffn + (2 * ffn + hidden if bias else 0)
        self.moe.append(MoE(path, experts, per_token, experts * each))

    def router(self, path: str, experts: int, hidden: int, correction_bias: bool = False, bias: bool = False) -> None:
        self.add(path, "Router", Router("torch", "Router", {"experts": experts, "hidden": hidden,
                                                            "correction_bias": correction_bias, "bias": bias}))

    def gated_mlp(self, path: str, hidden: int, ffn: int, bias: bool = False) -> None:
        self.linear(f"{path}.gate_proj", hidden, ffn, bias)
        self.linear(f"{path}.up_proj", hidden, ffn, bias)
        self.linear(f"{path}.down_proj", ffn, hidden, bias)

    def container(self, path: str, type_name: str) -> None:
        self.container_types[path] = type_name


def parent_of(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else ""


def layers_of(model: Model, leave_out: frozenset[str] = frozenset()) -> list[Layer]:
    """The rows: containers first where they begin, then their modules; modules whose role is in `leave_out`
    are not there (nor what is tied to them)."""
    kept = [m for m in model.modules if m.role not in leave_out]
    present = {m.path for m in kept}
    kept = [m for m in kept if not m.tied_to or parent_of(m.tied_to) in present]
    seen: set[str] = set()
    layers: list[Layer] = []
    for m in kept:
        missing = []
        parent = parent_of(m.path)
        while parent and parent not in seen:
            missing.append(parent)
            parent = parent_of(parent)
        for path in reversed(missing):
            seen.add(path)
            type_name = model.container_types.get(path) or ("ModuleList" if path.rsplit(".", 1)[-1] in LIST_NAMES else "Module")
            layers.append(Layer(path, type_name, CONTAINER, depth=path.count("."), parent=parent_of(path) or None))
        tied = (("weight", m.tied_to),) if m.tied_to else ()
        if m.type == "Parameter":
            parent_path = parent_of(m.path)
            layers.append(Layer(m.path, "Parameter", m.kind, depth=m.path.count("."), parent=parent_path or None))
        else:
            seen.add(m.path)
            layers.append(Layer(m.path, m.type, m.kind, depth=m.path.count("."), parent=parent_of(m.path) or None,
                                tied=tied))
    return layers


LIST_NAMES = {"layers", "layer", "h", "blocks", "block"}
CONTAINER = Container("torch", "Module", {})


def graph_of(model: Model, name: str, source: str, meta: dict[str, Any], leave_out: frozenset[str] = frozenset()) -> Graph:
    return Graph(framework="torch", name=name, layers=tuple(layers_of(model, leave_out)), source=source, meta=meta)
