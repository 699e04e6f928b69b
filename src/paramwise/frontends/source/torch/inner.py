"""The modules inside a built-in composite module (nn.Transformer, nn.TransformerEncoderLayer,
nn.MultiheadAttention ...), as rows named and nested as torch's `named_modules()` names them.

The built-in's kind creates its weights under dotted names (`encoder.layers.0.self_attn.in_proj_weight`); each
module on such a path (`encoder`, `encoder.layers`, `encoder.layers.0`, ...) becomes a container row, and each
weight a parameter row under the module that holds it, so every module row counts what torch's
`module.parameters()` counts. Modules without weights (Dropout) are rows of 0.
"""

from __future__ import annotations

from ....ir import Layer
from ....kinds.base import inner_modules
from ....kinds.rows import Container, Parameter
from .modules import Node, ParamRef


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path and name else path or name


def module_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def inner_layers(node: Node, path: str, ties: tuple[tuple[str, str], ...], root: str | None = None) -> list[Layer]:
    """Rows for the modules and weights inside `node`'s built-in kind, under the row `path` (or, for the model
    itself, under `root`: the row named after the model, or None where the model's row is not their parent)."""
    if node.kind is None or not inner_modules(node.kind):
        return []
    dropped = node.replaced | set(node.children)
    modules = [(n, t) for n, t in inner_modules(node.kind) if n.split(".")[0] not in dropped]
    params: dict[str, list[tuple[str, ParamRef]]] = {}
    for name, ref in node.leaf_params().items():
        params.setdefault(module_of(name), []).append((name, ref))
    out = weight_layers(node, path, "", params, ties, root)
    for name, type_name in modules:
        out.append(inner_layer(node, path, name, type_name, root))
        out += weight_layers(node, path, name, params, ties, root)
    return out


def place(path: str, name: str, root: str | None) -> tuple[str, int, str | None]:
    """(row name, depth, parent) of `name` inside the module at `path`."""
    full = join(path, name)
    parent = module_of(full) or path or root or None
    return full, full.count(".") + (1 if not path and root else 0), parent


def inner_layer(node: Node, path: str, name: str, type_name: str, root: str | None) -> Layer:
    full, depth, parent = place(path, name, root)
    return Layer(full, type_name, Container("torch", type_name, {}), node.location, depth=depth, parent=parent)


def weight_layers(node: Node, path: str, module: str, params: dict[str, list[tuple[str, ParamRef]]],
                  ties: tuple[tuple[str, str], ...], root: str | None) -> list[Layer]:
    out = []
    for name, ref in params.get(module, []):
        full, depth, parent = place(path, name, root)
        short = name.rsplit(".", 1)[-1]
        kind = Parameter("torch", "Parameter", {"name": short, "shape": ref.shape, "requires_grad": ref.requires_grad})
        tied = tuple((short, owner) for n, owner in ties if n == name)
        out.append(Layer(full, "Parameter", kind, node.location, depth=depth, parent=parent, tied=tied))
    return out
