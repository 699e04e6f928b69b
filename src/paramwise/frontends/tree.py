"""The module tree of a checkpoint, from its flat dotted tensor names (fvcore's `parameter_count` idea):
`encoder.layer.0.attention.query.weight` belongs to module `encoder.layer.0.attention.query`, which sits
under `encoder.layer.0.attention`, and so on up. Containers count what they hold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..ir import Graph, Layer
from ..kinds.torch_extra import Buffer, Container, Parameter, StoredTensors

# tensors PyTorch's own modules register as buffers (BatchNorm statistics), not parameters
BUFFER_NAMES = {"running_mean", "running_var", "num_batches_tracked"}


@dataclass(frozen=True)
class Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: str
    bytes_per_value: int

    @property
    def is_buffer(self) -> bool:
        return self.name.rsplit(".", 1)[-1] in BUFFER_NAMES


def natural_key(name: str) -> tuple[Any, ...]:
    """`layers.2` before `layers.10`."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name))


def module_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def build_tree(tensors: list[Tensor], name: str, source: str, meta: dict[str, Any]) -> Graph:
    """One row per module (containers sum their children), leaf rows hold the module's stored tensors."""
    modules: dict[str, list[Tensor]] = {}
    for t in tensors:
        path = module_of(t.name)
        parts = path.split(".") if path else []
        for i in range(1, len(parts) + 1):
            modules.setdefault(".".join(parts[:i]), [])
        modules.setdefault(path, []).append(t)
    has_children = {module_of(m) for m in modules if m}
    layers: list[Layer] = []
    for path in modules:
        if path and path in has_children:
            layers.append(row(path, "Module", Container("torch", "Module", {})))
        elif path:
            stored = tuple((t.name[len(path) + 1:], t.shape, t.bytes_per_value, t.is_buffer) for t in modules[path])
            layers.append(row(path, "Tensors", StoredTensors("torch", "Tensors", {"tensors": stored})))
        if not path or path in has_children:
            layers.extend(bare_rows(path, modules[path]))
    return Graph(framework="torch", name=name, layers=tuple(layers), source=source, meta={**meta, "dtypes": dtypes(tensors)})


def row(path: str, type_name: str, kind: Any) -> Layer:
    parent = module_of(path) or None
    return Layer(path, type_name, kind, depth=path.count("."), parent=parent)


def bare_rows(path: str, tensors: list[Tensor]) -> list[Layer]:
    out = []
    for t in tensors:
        short = t.name[len(path) + 1:] if path else t.name
        attrs = {"name": short, "shape": t.shape, "bytes_per_value": t.bytes_per_value}
        kind = Buffer("torch", "Buffer", attrs) if t.is_buffer else Parameter("torch", "Parameter", attrs)
        out.append(Layer(t.name, kind.type_name, kind, depth=t.name.count("."), parent=path or None))
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
