"""Live PyTorch modules: `paramwise.summary(module, input_size=(1, 3, 224, 224))`.

Rows follow `named_modules()`. A module whose class has a kind is explained by that kind, built from the
module's own attributes (in_channels, kernel_size ...), and checked against its real tensors; where they
differ (or no kind fits) the row shows the real tensors. Counts are always those of the real tensors, with
`named_parameters()`' rule for shared ones. Output shapes come from a forward pass of a copy of the module on
the meta device (no data, no memory); the user's module is never moved, changed or left with hooks. The copy
carries none of the user's hooks and no tensor data (every tensor it meets becomes an empty meta tensor), and
torch's global module hooks are set aside while it runs. Lazy modules are counted from the copy once its
forward has inferred their shapes. Whatever the user's code raises (a property, an override) is an InputError.
"""

from __future__ import annotations

from ... import kinds
from ...errors import Diagnostic, InputError, KindError, ParamwiseError
from ...frozen import replace
from ...infer import infer
from ...ir import Graph, Layer
from ...kinds.base import REQUIRED, Kind
from ...kinds.rows import Buffer, Container, Parameter, StoredTensors
from ...report import Report
from .torch_meta import describe, meta_forward, meta_inputs, meta_twin

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def summarize(module: Any, *, input_size: Any = None, input_data: Any = None, dtypes: Any = None,
              input_dtype: Any = None, **options: Any) -> Report:
    """The Report of a torch.nn.Module; with `input_size` (or `input_data`), output shapes too."""
    import torch

    require_module(torch, module)
    if options:
        raise InputError(
            f"summary() of a torch module takes no option {', '.join(sorted(options))}",
            hint="it takes input_size=(1, 3, 224, 224) (or a list of shapes), input_data=(tensors ...) and "
                 "input_dtype=torch.long (or dtypes=[...], one per input)",
        )
    name = type(module).__name__
    lazy = lazy_tensors(module)
    given = input_size is not None or input_data is not None
    if lazy and not given:
        raise InputError(
            f"{name} has lazy parameters whose shapes are not known yet: {', '.join(lazy[:3])}"
            f"{' ...' if len(lazy) > 3 else ''}",
            hint="give input_size (or input_data) so the lazy shapes can be inferred on the meta device, "
                 "or run one forward on real data first",
        )
    inputs = meta_inputs(torch, input_size, input_data, dtypes or input_dtype) if given else []
    counted = module
    shapes: dict[str, Any] = {}
    error = ""
    if given:
        twin, error = meta_twin(torch, module)
        if twin is not None:
            shapes, error = meta_forward(torch, twin, inputs)
        if lazy:
            if error or twin is None or lazy_tensors(twin):
                raise InputError(
                    f"{name} has lazy parameters ({', '.join(lazy[:3])}{' ...' if len(lazy) > 3 else ''}), and "
                    f"the forward on the meta device that infers their shapes failed: {error or 'the lazy parameters were not initialized'}",
                    hint="check that input_size is the shape the model takes, or run one forward on real data "
                         "first and pass the initialized module",
                )
            counted = twin
    warnings: list[Diagnostic] = []
    layers = read_module(counted, name, warnings)
    graph = Graph(framework="torch", name=name, layers=tuple(layers), source=f"<{name} object>",
                  warnings=tuple(warnings), meta={"model_type": name})
    report = infer(graph)
    if not given:
        return report
    if error:
        report = replace(report, warnings=report.warnings + (Diagnostic(
            "forward_not_followed", f"the forward on the meta device failed ({error}); output shapes are shown as ?",
            hint="counts do not depend on the forward and are exact"),))
    rows = tuple(replace(r, output_shape=shapes.get(r.name, r.output_shape)) for r in report.rows)
    return replace(report, rows=rows, output_shapes=shapes.get("", []) if isinstance(shapes.get(""), list) else
                   [shapes[""]] if "" in shapes else [])


def require_module(torch: Any, obj: Any) -> None:
    """A torch object that is not an nn.Module (a tensor, an optimizer, a state_dict's tensor) is the user's slip."""
    if isinstance(obj, torch.nn.Module):
        return
    if isinstance(obj, torch.Tensor):
        what = "a Parameter" if isinstance(obj, torch.nn.Parameter) else "a tensor"
        raise InputError(f"summary() got {what} (shape {tuple(obj.shape)}), not a module",
                         hint="pass the nn.Module itself, not a tensor (its input, output or one of its weights)")
    if isinstance(obj, torch.optim.Optimizer):
        raise InputError("summary() got an optimizer, not a module", hint="pass the nn.Module it optimizes")
    raise InputError(f"summary() takes a torch.nn.Module; got {type(obj).__name__}",
                     hint="pass the nn.Module itself")


def lazy_tensors(module: Any) -> list[str]:
    """The names of the module's parameters and buffers whose shapes are not known yet (LazyLinear ...)."""
    from torch.nn.parameter import is_lazy

    try:
        found = [*module.named_parameters(remove_duplicate=False), *module.named_buffers(remove_duplicate=False)]
    except Exception as e:  # noqa: BLE001 -- a user's override of named_parameters() may raise anything
        raise InputError(f"{type(module).__name__}'s named_parameters() raised {describe(e)}",
                         hint="paramwise counts what named_parameters() and named_buffers() return") from None
    return [n for n, t in found if is_lazy(t)]


def read_module(module: Any, name: str, warnings: list[Diagnostic]) -> list[Layer]:
    """The rows of the module; an exception from the user's own code (a property, an override) is an input error."""
    try:
        return module_layers(module, warnings)
    except ParamwiseError:
        raise
    except Exception as e:  # noqa: BLE001 -- the module's methods and properties are the user's code
        if raised_here(e):
            raise
        raise InputError(
            f"reading {name}'s modules and tensors raised {describe(e)}",
            hint="paramwise reads named_modules(), named_parameters(), named_buffers() and the attributes of "
                 "built-in layers (in_features ...); one of them raised in this module",
        ) from None


def raised_here(e: BaseException) -> bool:
    """Whether the exception was raised in paramwise's own code (a bug to report, not the user's input)."""
    import os

    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(package + os.sep)


def module_layers(model: Any, warnings: list[Diagnostic]) -> list[Layer]:
    owners = {id(p): n for n, p in model.named_parameters()}
    layers: list[Layer] = []
    covered: set[str] = set()  # rows that show their inner modules themselves
    for path, module in model.named_modules():
        if covered and any(".".join(path.split(".")[:i]) in covered for i in range(1, path.count(".") + 1)):
            continue
        kind = leaf_kind(module, path, warnings)
        if kind is not None and (path or not list(module.children())):
            covered.add(path)
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
    except Exception:  # noqa: BLE001 -- a subclass's attribute may raise anything; its real tensors still count
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
