"""Live PyTorch modules: `paramwise.summary(module, input_size=(1, 3, 224, 224))`.

Rows follow `named_modules()`. A module whose class has a kind is explained by that kind, built from the
module's own attributes (in_channels, kernel_size ...), and checked against its real tensors; where they
differ (or no kind fits) the row shows the real tensors. Counts are always those of the real tensors, with
`named_parameters()`' rule for shared ones. Output shapes come from a forward pass of a copy of the module on
the meta device (no data, no memory); the user's module is never moved, changed or left with hooks.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from .. import kinds
from ..errors import Diagnostic, KindError
from ..infer import infer
from ..ir import Graph, Layer
from ..kinds.base import REQUIRED, Kind
from ..kinds.torch_extra import Buffer, Container, Parameter, StoredTensors
from ..report import Report


def summarize(module: Any, *, input_size: Any = None, input_data: Any = None, dtypes: Any = None,
              input_dtype: Any = None, **options: Any) -> Report:
    """The Report of a torch.nn.Module; with `input_size` (or `input_data`), output shapes too."""
    warnings: list[Diagnostic] = []
    layers = module_layers(module, warnings)
    name = type(module).__name__
    graph = Graph(framework="torch", name=name, layers=tuple(layers), source=f"<{name} object>",
                  warnings=tuple(warnings), meta={"model_type": name})
    report = infer(graph)
    if input_size is None and input_data is None:
        return report
    shapes, error = meta_forward(module, input_size, input_data, dtypes or input_dtype)
    if error:
        report = replace(report, warnings=report.warnings + (Diagnostic(
            "forward_not_followed", f"the forward on the meta device failed ({error}); output shapes are shown as ?",
            hint="counts do not depend on the forward and are exact"),))
    rows = tuple(replace(r, output_shape=shapes.get(r.name, r.output_shape)) for r in report.rows)
    return replace(report, rows=rows, output_shapes=shapes.get("", []) if isinstance(shapes.get(""), list) else
                   [shapes[""]] if "" in shapes else [])


def module_layers(model: Any, warnings: list[Diagnostic]) -> list[Layer]:
    owners = {id(p): n for n, p in model.named_parameters()}
    layers: list[Layer] = []
    covered: list[str] = []
    for path, module in model.named_modules():
        if any(path.startswith(c + ".") for c in covered):
            continue
        kind = leaf_kind(module, path, warnings)
        if kind is not None and (path or not list(module.children())):
            covered.append(path)
            layers.append(leaf_layer(path or type(model).__name__, module, kind, owners, path))
            layers.extend(inner_layers(module, path, owners))
            continue
        if path:
            layers.append(Layer(path, type(module).__name__, Container("torch", type(module).__name__, {}),
                                depth=path.count("."), parent=parent_of(path)))
        layers.extend(bare_layers(module, path, owners))
    return layers


def parent_of(path: str) -> str | None:
    return path.rsplit(".", 1)[0] if "." in path else None


def tensor_name(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def leaf_kind(module: Any, path: str, warnings: list[Diagnostic]) -> Kind | None:
    """The kind of a built-in module, built from its attributes and checked against its real tensors."""
    spelling = torch_class(module)
    if spelling is None:
        return None
    found = kinds.lookup("torch", spelling)
    assert found is not None
    cls = found[0]
    if getattr(cls, "sums_children", False):
        return None
    try:
        kind = from_attributes(cls, spelling, module)
        made = {w.name: tuple(w.shape) for w in kind.weights(None)}
    except (KindError, TypeError, ValueError, AttributeError):
        return StoredTensors("torch", type(module).__name__, {"tensors": real_tensors(module)})
    real = {n: tuple(t.shape) for n, t in [*module.named_parameters(), *module.named_buffers()]}
    if made != real:
        warnings.append(Diagnostic(
            "stored_mismatch",
            f"{type(module).__name__} '{path}': its tensors differ from what {spelling}'s formula creates; "
            "the row shows its real tensors",
        ))
        return StoredTensors("torch", type(module).__name__, {"tensors": real_tensors(module)})
    return kind


def torch_class(module: Any) -> str | None:
    """The first class in the module's MRO that is torch's own and has a kind (MyConv(nn.Conv2d) -> Conv2d)."""
    for cls in type(module).__mro__:
        if cls.__module__.startswith("torch.") and kinds.lookup("torch", cls.__name__) is not None:
            return str(cls.__name__)
        if cls.__name__ == "Module" and cls.__module__.startswith("torch."):
            return None
    return None


def from_attributes(cls: type[Kind], spelling: str, module: Any) -> Kind:
    import torch

    kwargs: dict[str, Any] = {}
    for pname, default in cls.signatures.get("torch", ()):
        if not hasattr(module, pname):
            if default is REQUIRED:
                raise KindError(f"{spelling} has no attribute {pname}")
            continue
        value = getattr(module, pname)
        if isinstance(value, torch.Tensor):
            value = True
        elif value is None and pname == "bias":
            value = False
        elif isinstance(value, torch.nn.Module):
            raise KindError(f"{spelling}.{pname} is a module")
        kwargs[pname] = value
    kind, _ = kinds.make("torch", spelling, [], kwargs)
    return kind


def real_tensors(module: Any) -> tuple[tuple[str, tuple[int, ...], int, bool], ...]:
    params = [(n, tuple(t.shape), t.element_size(), False) for n, t in module.named_parameters()]
    return tuple(params + [(n, tuple(t.shape), t.element_size(), True) for n, t in module.named_buffers()])


def leaf_layer(name: str, module: Any, kind: Kind, owners: dict[int, str], path: str) -> Layer:
    params = dict(module.named_parameters(remove_duplicate=False))
    frozen = frozenset(n for n, p in params.items() if not p.requires_grad)
    tied = tuple((n, owners[id(p)]) for n, p in params.items() if owners.get(id(p)) != tensor_name(path, n))
    if isinstance(kind, StoredTensors):
        stored = tuple(t for t in kind.tensors if t[0] not in dict(tied))
        kind = StoredTensors("torch", kind.type_name, {"tensors": stored})
        tied = ()
    return Layer(name, type(module).__name__, kind, depth=path.count("."), parent=parent_of(path) if path else None,
                 frozen=frozen, tied=tied)


def inner_layers(module: Any, path: str, owners: dict[int, str]) -> list[Layer]:
    """The modules inside a built-in composite (nn.Transformer's encoder.layers.0.self_attn ...), one row each
    under its row, as `named_modules()` names them; the composite's own row keeps its kind and formula."""
    if not path or not list(module.children()):
        return []
    out: list[Layer] = []
    for name, sub in module.named_modules():
        full = tensor_name(path, name) if name else path
        if name:
            out.append(Layer(full, type(sub).__name__, Container("torch", type(sub).__name__, {}),
                             depth=full.count("."), parent=parent_of(full)))
        out.extend(bare_layers(sub, full, owners))
    return out


def bare_layers(module: Any, path: str, owners: dict[int, str]) -> list[Layer]:
    """A container's own nn.Parameters and buffers, one row each."""
    out = []
    depth = path.count(".") + 1 if path else 0
    for n, p in module.named_parameters(recurse=False, remove_duplicate=False):
        full = tensor_name(path, n)
        attrs = {"name": n, "shape": tuple(p.shape), "requires_grad": p.requires_grad, "bytes_per_value": p.element_size()}
        tied = ((n, owners[id(p)]),) if owners.get(id(p)) != full else ()
        out.append(Layer(full, "Parameter", Parameter("torch", "Parameter", attrs), depth=depth, parent=path or None,
                         tied=tied))
    for n, b in module.named_buffers(recurse=False):
        attrs = {"name": n, "shape": tuple(b.shape), "bytes_per_value": b.element_size()}
        out.append(Layer(tensor_name(path, n), "Buffer", Buffer("torch", "Buffer", attrs), depth=depth,
                         parent=path or None))
    return out


# -- output shapes from a forward pass on the meta device ---------------------------------------------


def meta_forward(module: Any, input_size: Any, input_data: Any, dtypes: Any) -> tuple[dict[str, Any], str]:
    """Output shapes of each module's first call: a copy whose tensors live on the meta device is run."""
    import torch

    memo: dict[int, Any] = {}
    for t in [*module.parameters(), *module.buffers()]:
        meta = torch.empty_like(t, device="meta")
        memo[id(t)] = torch.nn.Parameter(meta, requires_grad=t.requires_grad) if isinstance(t, torch.nn.Parameter) else meta
    try:
        twin = copy.deepcopy(module, memo).to("meta")
    except Exception as e:  # noqa: BLE001 - a module that cannot be copied keeps its counts
        return {}, f"the module could not be copied: {type(e).__name__}: {e}"
    seen: dict[str, Any] = {}
    def record(name: str) -> Any:
        def hook(mod: Any, args: Any, out: Any) -> None:  # returns None: the output is left as it is
            seen.setdefault(name, shapes_of(out))
        return hook

    for name, sub in twin.named_modules():
        sub.register_forward_hook(record(name))
    try:
        with torch.no_grad():
            twin.eval()
            twin(*meta_inputs(torch, input_size, input_data, dtypes))
    except Exception as e:  # noqa: BLE001 - the forward is the user's code
        return seen, f"{type(e).__name__}: {str(e)[:200]}"
    return seen, ""


def meta_inputs(torch: Any, input_size: Any, input_data: Any, dtypes: Any) -> list[Any]:
    if input_data is not None:
        data = input_data if isinstance(input_data, (list, tuple)) else [input_data]
        return [torch.empty_like(d, device="meta") if isinstance(d, torch.Tensor) else d for d in data]
    sizes = [input_size] if all(isinstance(d, int) for d in input_size) else list(input_size)
    kinds_of = dtypes if isinstance(dtypes, (list, tuple)) else [dtypes] * len(sizes)
    return [torch.empty(tuple(s), device="meta", dtype=k or torch.float32) for s, k in zip(sizes, kinds_of)]


def shapes_of(out: Any) -> Any:
    import torch

    if isinstance(out, torch.Tensor):
        return tuple(out.shape)
    if isinstance(out, (tuple, list)):
        flat = []
        for item in out:
            sub = shapes_of(item)
            if sub is not None:
                flat.extend(sub if isinstance(sub, list) else [sub])
        return flat if len(flat) != 1 else flat[0]
    if isinstance(out, dict):
        return shapes_of(list(out.values()))
    return None
