"""The module tree of a checkpoint, from its flat dotted tensor names (fvcore's `parameter_count` idea):
`encoder.layer.0.attention.query.weight` belongs to module `encoder.layer.0.attention.query`, which sits
under `encoder.layer.0.attention`, and so on up. Containers count what they hold.

Names are data from the file: a name with no dot (`emb_params`) is a parameter of the model itself, a name
with an empty part (`''`, `'a..b'`, `'a.'`) is shown as it is at the top level, and the tree shown is at most
MAX_TREE_DEPTH modules deep (deeper parts stay in the tensor's name). Every step is linear in the names."""

from __future__ import annotations

import re

from ...errors import InputError
from ...frozen import frozen
from ...ir import Graph, Layer
from ...kinds.rows import Buffer, Container, Parameter, StoredTensors

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# tensors PyTorch's own modules register as buffers (BatchNorm statistics), not parameters
BUFFER_NAMES = {"running_mean", "running_var", "num_batches_tracked"}
MAX_TREE_DEPTH = 64  # module levels shown; real models nest about 10
DIGITS = re.compile(r"(\d+)")


@frozen
class Tensor:
    """One stored tensor: its name, shape and dtype."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    bytes_per_value: int

    @property
    def is_buffer(self) -> bool:
        return self.name.rsplit(".", 1)[-1] in BUFFER_NAMES


def natural_key(name: str) -> tuple[Any, ...]:
    """`layers.2` before `layers.10` (digit runs compared by length, then text: no int conversion)."""
    out: list[tuple[int, int, str]] = []
    for i, part in enumerate(DIGITS.split(name)):
        if i % 2:
            digits = part.lstrip("0") or "0"
            out.append((0, len(digits), digits))
        else:
            out.append((1, 0, part))
    return tuple(out)


def module_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def split_name(name: str) -> tuple[str, str]:
    """(module path, the tensor's name inside it). A name with no dot or an empty part is the model's own."""
    dot = name.rfind(".")
    if dot < 0 or name.startswith(".") or name.endswith(".") or ".." in name:
        return "", name
    if name.count(".", 0, dot) < MAX_TREE_DEPTH - 1:
        return name[:dot], name[dot + 1:]
    at = -1
    for _ in range(MAX_TREE_DEPTH - 1):  # the first levels are modules; the rest stays in the tensor's name
        at = name.find(".", at + 1)
    return name[:at], name[at + 1:]


def parent_of(path: str) -> str:
    dot = path.rfind(".")
    return path[:dot] if dot >= 0 else ""


def build_tree(tensors: list[Tensor], name: str, source: str, meta: dict[str, Any]) -> Graph:
    """One row per module (containers sum their children), leaf rows hold the module's stored tensors."""
    modules: dict[str, list[tuple[str, Tensor]]] = {"": []}
    for t in tensors:
        path, short = split_name(t.name)
        if path not in modules:
            add_module(modules, path)
        modules[path].append((short, t))
    has_children = {parent_of(m) for m in modules if m}
    for path in has_children:  # rows of their own: a tensor named like a module would be a second row of that name
        for _, t in modules.get(path, ()):
            if t.name and t.name in modules:
                raise InputError(f"tensor '{t.name[:80]}' has the name of a module holding other tensors; a state dict "
                                 "cannot have both, so this checkpoint is damaged", hint="check how the file was written")
    layers: list[Layer] = []
    # one kind object per distinct set of stored tensors: the 32 equal blocks of a transformer share their
    # kinds, so infer works out each kind's key and formula once (kinds do not change once made)
    kinds: dict[tuple[Any, ...], StoredTensors] = {}
    container = Container("torch", "Module", {})
    for path, held in modules.items():
        if path and path in has_children:
            layers.append(row(path, "Module", container))
        elif path:
            stored = tuple((short, t.shape, t.bytes_per_value, t.is_buffer) for short, t in held)
            kind = kinds.get(stored)
            if kind is None:
                kind = kinds[stored] = StoredTensors("torch", "Tensors", {"tensors": stored})
            layers.append(row(path, "Tensors", kind))
        if not path or path in has_children:
            layers.extend(bare_rows(path, held))
    return Graph(framework="torch", name=name, layers=tuple(layers), source=source, meta={**meta, "dtypes": dtypes(tensors)})


def add_module(modules: dict[str, list[tuple[str, Tensor]]], path: str) -> None:
    """Add `path` and the ancestors it lacks, parents first (each module's ancestors are already there)."""
    missing = [path]
    parent = parent_of(path)
    while parent not in modules:
        missing.append(parent)
        parent = parent_of(parent)
    for module in reversed(missing):
        modules[module] = []


def row(path: str, type_name: str, kind: Any) -> Layer:
    parent = parent_of(path) or None
    return Layer(path, type_name, kind, depth=path.count("."), parent=parent)


def bare_rows(path: str, held: list[tuple[str, Tensor]]) -> list[Layer]:
    out = []
    depth = path.count(".") + 1 if path else 0
    for short, t in held:
        attrs = {"name": short, "shape": t.shape, "bytes_per_value": t.bytes_per_value}
        kind = Buffer("torch", "Buffer", attrs) if t.is_buffer else Parameter("torch", "Parameter", {**attrs, "requires_grad": True})
        out.append(Layer(t.name, kind.type_name, kind, depth=depth, parent=path or None))
    return out


def dtypes(tensors: list[Tensor]) -> dict[str, dict[str, int]]:
    """Per dtype: how many values and how many bytes."""
    out: dict[str, dict[str, int]] = {}
    for t in tensors:
        n = 1
        for d in t.shape:
            n *= d
        entry = out.setdefault(t.dtype, {"count": 0, "bytes": 0})
        entry["count"] += n
        entry["bytes"] += n * t.bytes_per_value
    return out
