"""`torch.nn.utils` functions that change which tensors a module holds, as torch does it:

- `weight_norm(m, name, dim)` (the old hook): `weight` leaves `_parameters`; new parameters `weight_g` (the
  norm, ones except `dim`; a scalar for dim=None) and `weight_v` (the direction) are added.
- `spectral_norm(m, name, n_power_iterations, eps, dim)` (the old hook): `weight` becomes `weight_orig` (the
  same tensor), buffers `weight_u` (size of `dim`) and `weight_v` (the rest) are added.
- `parametrizations.weight_norm/spectral_norm/orthogonal` and `parametrize.register_parametrization`: the
  module's class becomes `Parametrized<Name>`, `weight` moves to `parametrizations.weight.original` (or
  `original0`/`original1` for weight_norm), and the parametrization is module `parametrizations.weight.0`,
  with `_u`/`_v` buffers for spectral_norm and a `base` buffer for orthogonal (with trivialization).
- `nn.Embedding.from_pretrained(t, freeze=True)`: an Embedding of t's shape, frozen unless freeze=False.
"""

from __future__ import annotations

from ....formula import simplify
from ....kinds.rows import Unknown
from ..python.values import Context, Instance, Opaque
from .modules import Method, ModuleClass, ModuleObj, Node, ParamRef, ParamValue, node_of, remove
from .traced import shape_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Shape: TypeAlias = "tuple[Any, ...]"


def arg(args: list[Any], kwargs: dict[str, Any], i: int, name: str, default: Any = None) -> Any:
    return args[i] if len(args) > i else kwargs.get(name, default)


def unknown(module: Any) -> bool:
    """A module of a kind paramwise does not know (a `?` row), or a value it cannot read (warned where it is
    used as a module): left as it is."""
    node = node_of(module)
    return isinstance(module, Opaque) or node is not None and isinstance(node.kind, Unknown)


def target(module: Any, name: Any, what: str, ctx: Context) -> tuple[Node, ParamRef]:
    """The module's node and the parameter `name` it holds (a located error as torch raises one)."""
    node = node_of(module)
    if node is None:
        raise ctx.error(f"{what} needs a module; got {type(module).__name__ if not isinstance(module, Opaque) else module.what}",
                        hint="pass the module, e.g. weight_norm(nn.Linear(4, 2))")
    params = {**(node.leaf_params() if node.kind is not None else {}), **node.params}
    if not isinstance(name, str) or name not in params:
        raise ctx.error(f"{what}: {node.type_name} has no parameter named {name!r}",
                        hint=f"its parameters: {', '.join(params) or 'none'}")
    return node, params[name]


def norm_dim(dim: Any, ndim: int, what: str, ctx: Context) -> int:
    if not isinstance(dim, int) or isinstance(dim, bool) or not -ndim <= dim < max(ndim, 1):
        raise ctx.error(f"{what}: dim {dim!r} is out of range for a tensor of {ndim} dimensions")
    return dim % max(ndim, 1)


def numel(shape: Shape) -> Any:
    n: Any = 1
    for d in shape:
        n = n * d
    return simplify(n)


def norm_shape(shape: Shape, dim: Any, what: str, ctx: Context) -> Shape:
    """Weight norm's `g`: a scalar for dim None (or -1), else ones except along `dim`."""
    if dim is None or dim == -1:
        return ()
    d = norm_dim(dim, len(shape), what, ctx)
    return tuple(s if i == d else 1 for i, s in enumerate(shape))


def spectral_dim(node: Node, dim: Any, shape: Shape, what: str, ctx: Context) -> int:
    if dim is None:
        dim = 1 if node.type_name.removeprefix("Parametrized").startswith("ConvTranspose") else 0
    return norm_dim(dim, len(shape), what, ctx)


def spectral_vectors(node: Node, dim: Any, shape: Shape, what: str, ctx: Context) -> tuple[Shape, Shape]:
    d = spectral_dim(node, dim, shape, what, ctx)
    h = shape[d]
    return (h,), (simplify(numel(shape) / h) if not isinstance(h, int) else numel(shape) // h if h else 0,)


# -- the old hooks ----------------------------------------------------------------------------------------


def weight_norm(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name, dim = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight"), arg(args, kwargs, 2, "dim", 0)
    if unknown(module):
        return module
    node, ref = target(module, name, "weight_norm", ctx)
    g = norm_shape(ref.shape, dim, "weight_norm", ctx)
    remove(node, name)
    node.params[f"{name}_g"] = ParamRef(g)
    node.params[f"{name}_v"] = ParamRef(ref.shape)
    node.computed[name] = ref.shape
    return module


def spectral_norm(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight")
    if unknown(module):
        return module
    node, ref = target(module, name, "spectral_norm", ctx)
    u, v = spectral_vectors(node, arg(args, kwargs, 4, "dim"), ref.shape, "spectral_norm", ctx)
    remove(node, name)
    node.params[f"{name}_orig"] = ref
    node.computed[name] = ref.shape
    node.buffers[f"{name}_u"] = u
    node.buffers[f"{name}_v"] = v
    return module


def remove_hook(suffixes: tuple[str, ...], what: str) -> Any:
    """`remove_weight_norm(m, name)` / `remove_spectral_norm(m, name)`: `name` is a parameter again."""

    def undo(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight")
        node = node_of(module)
        if node is None or not isinstance(name, str) or name not in node.computed:
            raise ctx.error(f"{what}: {name!r} of this module is not {what.removeprefix('remove_')}ed")
        original = node.params.get(f"{name}_orig")
        for suffix in suffixes:
            node.params.pop(f"{name}{suffix}", None)
            node.buffers.pop(f"{name}{suffix}", None)
        node.params[name] = ParamRef(node.computed.pop(name), original.requires_grad if original else True)
        return module

    return undo


# -- torch.nn.utils.parametrize ---------------------------------------------------------------------------


def parametrization_module(type_name: str, buffers: dict[str, Shape], location: Any) -> ModuleObj:
    return ModuleObj(Node(type_name, location, "leaf", buffers=dict(buffers)))


def register(module: Any, name: Any, parametrization: Any, originals: list[tuple[str, ParamRef]] | None,
             what: str, ctx: Context) -> Any:
    """Move `name` under `parametrizations.<name>` and add `parametrization` to that list, as torch does.
    `originals` replace the tensor (weight_norm's g and v); None keeps it as `original`."""
    node, ref = target(module, name, what, ctx) if not parametrized(module, name) else (node_of(module), None)
    assert node is not None
    if not node.type_name.startswith("Parametrized"):
        node.type_name = f"Parametrized{node.type_name}"
    holder = node.children.get("parametrizations")
    if node_of(holder) is None:
        holder = ModuleObj(Node("ModuleDict", ctx.location, "dict"))
        node.children["parametrizations"] = holder
    table = node_of(holder)
    assert table is not None
    plist = node_of(table.children.get(name))
    if plist is None:
        assert ref is not None
        plist = Node("ParametrizationList", ctx.location, "list")
        for n, r in originals if originals is not None else [("original", ref)]:
            plist.params[n] = r
        table.children[name] = ModuleObj(plist)
        remove(node, name)
        node.computed[name] = ref.shape
    plist.children[str(len(plist.children))] = parametrization
    return module


def parametrized(module: Any, name: Any) -> bool:
    node = node_of(module)
    table = node_of(node.children.get("parametrizations")) if node is not None else None
    return table is not None and name in table.children


def current_shape(module: Any, name: Any, what: str, ctx: Context) -> tuple[Shape, bool]:
    """The shape of the (possibly already parametrized) tensor `name`, and whether it is trainable."""
    node = node_of(module)
    if parametrized(module, name) and node is not None:
        return node.computed[name], True
    _, ref = target(module, name, what, ctx)
    return ref.shape, ref.requires_grad


def p_weight_norm(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name, dim = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight"), arg(args, kwargs, 2, "dim", 0)
    if unknown(module):
        return module
    shape, grad = current_shape(module, name, "weight_norm", ctx)
    g = norm_shape(shape, dim, "weight_norm", ctx)
    made = parametrization_module("_WeightNorm", {}, ctx.location)
    return register(module, name, made, [("original0", ParamRef(g, grad)), ("original1", ParamRef(shape, grad))],
                    "weight_norm", ctx)


def p_spectral_norm(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight")
    if unknown(module):
        return module
    shape, _ = current_shape(module, name, "spectral_norm", ctx)
    node = node_of(module)
    assert node is not None
    buffers: dict[str, Shape] = {}
    if len(shape) > 1:  # a vector's spectral norm is its norm: no power-iteration vectors
        u, v = spectral_vectors(node, arg(args, kwargs, 4, "dim"), shape, "spectral_norm", ctx)
        buffers = {"_u": u, "_v": v}
    made = parametrization_module("_SpectralNorm", buffers, ctx.location)
    return register(module, name, made, None, "spectral_norm", ctx)


def orthogonal(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name", "weight")
    if unknown(module):
        return module
    shape, _ = current_shape(module, name, "orthogonal", ctx)
    if len(shape) < 2:
        raise ctx.error(f"orthogonal: expected a matrix or batch of matrices; got a tensor of shape {shape}")
    n = shape[-2] if not isinstance(shape[-1], int) or not isinstance(shape[-2], int) else max(shape[-2:])
    buffers = {"base": shape[:-2] + (n, n)} if kwargs.get("use_trivialization", True) else {}
    made = parametrization_module("_Orthogonal", buffers, ctx.location)
    return register(module, name, made, None, "orthogonal", ctx)


def register_parametrization(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "tensor_name")
    if unknown(module):
        return module
    parametrization = arg(args, kwargs, 2, "parametrization")
    if node_of(parametrization) is None:
        raise ctx.error("register_parametrization needs an nn.Module as the parametrization",
                        hint="e.g. class Symmetric(nn.Module) with a forward(X)")
    if isinstance(parametrization, Instance) and parametrization.cls.lookup("right_inverse")[0]:
        ctx.warn("unread_tensor", f"the parametrization of '{name}' has a right_inverse; paramwise takes the "
                 "tensor it stores to keep the original's shape", hint="check the count with paramwise.summary(model)")
    return register(module, name, parametrization, None, "register_parametrization", ctx)


def remove_parametrizations(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "tensor_name")
    node = node_of(module)
    table = node_of(node.children.get("parametrizations")) if node is not None else None
    if node is None or table is None or name not in table.children:
        raise ctx.error(f"remove_parametrizations: the module has no parametrization on {name!r}")
    del table.children[name]
    if not table.children:
        del node.children["parametrizations"]
        node.type_name = node.type_name.removeprefix("Parametrized")
    node.params[name] = ParamRef(node.computed.pop(name))
    return module


def from_pretrained(cls: ModuleClass, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    data = arg(args, kwargs, 0, "embeddings")
    shape = shape_of(data)
    if shape is None or len(shape) != 2:
        raise ctx.error(f"nn.{cls.type_name}.from_pretrained needs a 2-D tensor whose shape paramwise can read",
                        hint="e.g. nn.Embedding.from_pretrained(torch.zeros(vocab_size, dim))")
    rest = {k: v for k, v in kwargs.items() if k not in ("embeddings", "freeze")}
    module = cls.py_call([shape[0], shape[1]], rest, ctx)
    node = node_of(module)
    assert node is not None
    freeze = arg(args, kwargs, 1, "freeze", True)
    for ref in node.leaf_params().values():
        ref.requires_grad = not freeze
    return module


FUNCTIONS = {
    "weight_norm": weight_norm, "spectral_norm": spectral_norm,
    "remove_weight_norm": remove_hook(("_g", "_v"), "remove_weight_norm"),
    "remove_spectral_norm": remove_hook(("_orig", "_u", "_v"), "remove_spectral_norm"),
}
PARAMETRIZATIONS = {"weight_norm": p_weight_norm, "spectral_norm": p_spectral_norm, "orthogonal": orthogonal}
PARAMETRIZE = {"register_parametrization": register_parametrization, "remove_parametrizations": remove_parametrizations}
PRUNE = {"identity", "random_unstructured", "l1_unstructured", "random_structured", "ln_structured"}


def prune(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`prune.l1_unstructured(m, "weight", amount=0.3)`: `weight` becomes `weight_orig` (the same tensor) and a
    buffer `weight_mask` of its shape is added; pruning the same tensor again keeps both."""
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name")
    if unknown(module):
        return module
    node = node_of(module)
    if node is not None and isinstance(name, str) and f"{name}_orig" in node.params:
        return module
    node, ref = target(module, name, "prune", ctx)
    remove(node, name)
    node.params[f"{name}_orig"] = ref
    node.computed[name] = ref.shape
    node.buffers[f"{name}_mask"] = ref.shape
    return module


def prune_remove(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    module, name = arg(args, kwargs, 0, "module"), arg(args, kwargs, 1, "name")
    node = node_of(module)
    if node is None or not isinstance(name, str) or f"{name}_orig" not in node.params:
        raise ctx.error(f"prune.remove: {name!r} of this module is not pruned")
    ref = node.params.pop(f"{name}_orig")
    node.buffers.pop(f"{name}_mask", None)
    node.computed.pop(name, None)
    node.params[name] = ref
    return module


def global_unstructured(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    pairs = arg(args, kwargs, 0, "parameters")
    if not isinstance(pairs, (list, tuple)):
        raise ctx.error("prune.global_unstructured needs a list of (module, name) pairs")
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ctx.error("prune.global_unstructured needs a list of (module, name) pairs")
        prune(list(pair), {}, ctx)
    return None


def skip_init(args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`skip_init(nn.Linear, 4, 2)` makes `nn.Linear(4, 2)` (without initializing it)."""
    return ctx.call(args[0], list(args[1:]), {k: v for k, v in kwargs.items() if k != "module_cls"}) if args else \
        ctx.call(kwargs["module_cls"], [], {k: v for k, v in kwargs.items() if k != "module_cls"})


FUNCTIONS["skip_init"] = skip_init


def resolve_utils(dotted: str) -> Any:
    """`torch.nn.utils.<name>` and its submodules; None where the name is not one of these."""
    parts = dotted.split(".")
    if parts[:3] != ["torch", "nn", "utils"]:
        return None
    rest = parts[3:]
    if len(rest) == 1 and rest[0] in FUNCTIONS:
        return Method(FUNCTIONS[rest[0]])
    if len(rest) == 2 and rest[0] == "parametrizations" and rest[1] in PARAMETRIZATIONS:
        return Method(PARAMETRIZATIONS[rest[1]])
    if len(rest) == 2 and rest[0] == "parametrize" and rest[1] in PARAMETRIZE:
        return Method(PARAMETRIZE[rest[1]])
    if len(rest) == 2 and rest[0] == "prune" and rest[1] in (*PRUNE, "remove", "global_unstructured"):
        return Method(prune_remove if rest[1] == "remove" else global_unstructured
                      if rest[1] == "global_unstructured" else prune)
    return None


NAMESPACES = {f"torch.nn.utils{sub}" for sub in ("", ".parametrizations", ".parametrize", ".prune")}


__all__ = ["resolve_utils", "from_pretrained", "ParamValue"]
