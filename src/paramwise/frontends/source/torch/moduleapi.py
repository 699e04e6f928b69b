"""The nn.Module methods and attributes model code uses (parameters(), named_modules(), register_buffer(),
requires_grad_() ...), on a module's `Node`."""

from __future__ import annotations

from .... import kinds
from ....errors import BadValue, KindError
from ....kinds.base import Kind, inner_modules
from ....kinds.rows import Unknown
from ....kinds.values import PLAIN_TYPES
from ..python.interpreter import preview
from ..python.values import Context, HostValue, Instance, Opaque
from .lazy import add_module
from .modules import (
    IDENTITY_METHODS,
    Method,
    ModuleClass,
    Node,
    ParamRef,
    ParamValue,
    add_buffer,
    is_module,
    node_of,
    operations,
    own_params,
    register,
    walk,
)
from .tables import Table
from .traced import constant

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# what nn.Module has besides a module's own tensors and submodules (dir(nn.Module) and an instance's __dict__)
MODULE_ATTRIBUTES = frozenset("""
T_destination _apply _call_impl _compiled_call_impl _get_backward_hooks _get_backward_pre_hooks _get_name
_load_from_state_dict _maybe_warn_non_full_backward_hook _named_members _register_load_state_dict_pre_hook
_register_state_dict_hook _replicate_for_data_parallel _save_to_state_dict _slow_forward _version
_wrapped_call_impl add_module apply bfloat16 buffers call_super_init children compile cpu cuda double
dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu
load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters
register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory state_dict to to_empty
train type xpu zero_grad _backward_hooks _backward_pre_hooks _buffers _forward_hooks
_forward_hooks_always_called _forward_hooks_with_kwargs _forward_pre_hooks _forward_pre_hooks_with_kwargs
_is_full_backward_hook _load_state_dict_post_hooks _load_state_dict_pre_hooks _modules
_non_persistent_buffers_set _parameters _state_dict_hooks _state_dict_pre_hooks training
""".split())

# tensors torch's built-in modules register as None when their constructor leaves them out
NONE_WHEN_ABSENT = {"weight", "bias", "running_mean", "running_var", "num_batches_tracked", "in_proj_weight",
                    "in_proj_bias", "bias_k", "bias_v", "q_proj_weight", "k_proj_weight", "v_proj_weight"}


# attributes torch's built-in modules set besides their arguments (vars() of each, less its signature)
BUILT_IN_ATTRIBUTES = frozenset("""
activation_relu_or_gelu batch_first bias bias_k bias_v bidirectional dropout head_dim hidden_size input_size mode
name nonlinearity num_layers output_padding proj_size training transposed
""".split())


def named_buffers(value: Any) -> list[tuple[str, tuple[Any, ...]]]:
    out: list[tuple[str, tuple[Any, ...]]] = []
    for path, module in walk(value):
        node = node_of(module)
        assert node is not None
        out.extend((f"{path}.{n}" if path else n, shape) for n, shape in [*node.buffers.items(), *builtin_buffers(node)])
    return out


def builtin_buffers(node: Node) -> list[tuple[str, tuple[Any, ...]]]:
    """The buffers a built-in module registers itself (BatchNorm's running_mean, running_var, num_batches_tracked)."""
    if node.kind is None or isinstance(node.kind, Unknown):
        return []
    try:
        weights = node.kind.weights(None)
    except (KindError, TypeError, ValueError):
        return []
    return [(w.name, tuple(w.shape)) for w in weights if w.is_buffer]


def named_parameters(value: Any) -> list[tuple[str, ParamRef]]:
    """`named_parameters()` with PyTorch's remove_duplicate: a tied tensor under its first name only."""
    out: list[tuple[str, ParamRef]] = []
    seen: set[int] = set()
    for path, module in walk(value):
        node = node_of(module)
        assert node is not None
        for name, ref in own_params(node):
            if id(ref) not in seen:
                seen.add(id(ref))
                out.append((f"{path}.{name}" if path else name, ref))
    return out


def module_api(value: Any, node: Node, name: str, ctx: Context) -> Any:
    """The nn.Module methods and attributes model code uses; Opaque for the rest."""
    if name in ("parameters", "named_parameters"):
        items = [(n, ParamValue(r)) for n, r in named_parameters(value)]
        return Method(lambda a, k, c: [p for _, p in items] if name == "parameters" else items)
    if name in ("modules", "named_modules"):
        mods = list(walk(value))
        return Method(lambda a, k, c: [m for _, m in mods] if name == "modules" else mods)
    if name in ("children", "named_children"):
        kids = [(n, m) for n, m in node.children.items() if is_module(m)]
        return Method(lambda a, k, c: [m for _, m in kids] if name == "children" else kids)
    if name == "state_dict":  # parameters, then buffers, by dotted name (persistent or not: not modelled)
        def state(a: list[Any], k: dict[str, Any], c: Context) -> dict[str, Any]:
            out: dict[str, Any] = {n: ParamValue(r) for n, r in named_parameters(value)}
            out.update((n, constant(shape)) for n, shape in named_buffers(value))
            return out
        return Method(state)
    if name in ("buffers", "named_buffers"):
        tensors = [(n, constant(shape)) for n, shape in named_buffers(value)]
        return Method(lambda a, k, c: [t for _, t in tensors] if name == "buffers" else tensors)
    if name == "requires_grad_":
        return Method(lambda a, k, c: set_requires_grad(value, a[0] if a else k.get("requires_grad", True)))
    if name in IDENTITY_METHODS:
        return Method(lambda a, k, c: value)
    if name in ("add_module", "register_module"):
        return Method(lambda a, k, c: add_module(node, a[0] if a else k["name"], a[1] if len(a) > 1 else k["module"], c))
    if name == "register_buffer":
        return Method(lambda a, k, c: add_buffer(node, a[0] if a else k["name"], a[1] if len(a) > 1 else k.get("tensor"), c))
    if name == "register_parameter":
        return Method(lambda a, k, c: register(node, a[0] if a else k["name"], a[1] if len(a) > 1 else k.get("param"), c))
    if name == "training":
        return True
    if name == "forward" and node.kind is not None and not isinstance(node.kind, Unknown):
        # `super().forward(x)` in a subclass of a built-in, or its own forward called by name: the built-in's
        return Method(lambda a, k, c: operations().builtin_forward(value, a, k, c))
    if name == "__class__" and not isinstance(value, Instance):
        return ModuleClass(node.type_name.removeprefix("Parametrized"))
    if name in node.buffers or name in node.computed:
        return constant(node.buffers[name] if name in node.buffers else node.computed[name])
    if name in ("_parameters", "_buffers", "_modules"):
        return Table(node, name)
    if node.kind is not None:
        params = node.leaf_params()
        if name in params:
            return ParamValue(params[name])
        inner = InnerModule.find(node, name)
        if inner is not None:
            return inner
        if name in NONE_WHEN_ABSENT:  # Conv2d(bias=False).bias, BatchNorm(affine=False).weight: torch registers None
            return None
        if name in node.kind.attrs:
            return node.kind.attrs[name]
    if name in node.children:
        return node.children[name]
    if name in node.params:
        return ParamValue(node.params[name])
    if name in node.deleted:  # register_parameter(name, None), `m.bias = None`: torch keeps the name, as None
        return None
    if not has_attribute(node, name):
        raise AttributeError(name)  # as torch's Module.__getattr__: hasattr() is False, getattr(m, n, None) is None
    return Opaque(f"{node.type_name}.{name}")


def has_attribute(node: Node, name: str) -> bool:
    """Whether a module may have attribute `name` that paramwise does not model (torch's own attributes of
    nn.Module and of the built-in: its arguments, weights, buffers); other names raise AttributeError."""
    if name in MODULE_ATTRIBUTES or name.startswith("_") or name in BUILT_IN_ATTRIBUTES or node.lenient:
        return True
    if node.kind is None:
        return False
    if isinstance(node.kind, Unknown):
        return True
    type_name = node.type_name.removeprefix("Parametrized")
    found = kinds.lookup("torch", type_name)
    if found is None or name in node.kind.attrs or name in {p for p, _ in kinds.signature_of(found[0], "torch", type_name)}:
        return True
    try:
        return any(w.name == name for w in node.kind.weights(None))
    except (KindError, TypeError, ValueError):
        return True


def set_requires_grad(value: Any, flag: Any) -> Any:
    for _, ref in named_parameters(value):
        ref.requires_grad = bool(flag)
    return value


def make_leaf_kind(type_name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Kind:
    """The kind of a built-in module; an unknown one becomes a `?` row with one warning."""
    if kwargs:
        kwargs = {k: v for k, v in kwargs.items() if k not in ("device", "dtype")}
    found = kinds.lookup("torch", type_name)
    if found is None:
        guess = kinds.suggest("torch", type_name)
        ctx.warn(
            "unknown_layer",
            f"unknown module nn.{type_name}: its parameters are counted as '?'",
            hint=f"did you mean {guess}?" if guess else "paramwise does not know this module yet",
        )
        return Unknown("torch", type_name, {})
    given = [*args, *kwargs.values()]
    unread = [] if all(type(v) in PLAIN_TYPES for v in given) else [
        v.what for v in given for v in (v if isinstance(v, (tuple, list)) else [v]) if isinstance(v, Opaque)]
    if unread:
        raise ctx.error(f"nn.{type_name} is given a value paramwise cannot read: {unread[0]}",
                        "write the value as a number in the file, or build the model with --class NAME --args ...")
    try:
        kind, extra = kinds.make("torch", type_name, args, kwargs)
    except KindError as e:
        shown = e.reworded(preview) if isinstance(e, BadValue) else e
        raise ctx.error(f"nn.{type_name}: {shown.message}", shown.hint) from e
    refused = kinds.refused("torch", type_name, extra) if extra else []
    if refused:
        ctx.warn("unknown_argument", f"nn.{type_name} has no argument '{refused[0]}'",
                 hint=kinds.argument_hint("torch", type_name, refused[0]))
    return kind


class LightningModuleClass(ModuleClass):
    """`pytorch_lightning.LightningModule` / `lightning.LightningModule`: an nn.Module subclass with more methods
    (save_hyperparameters, log, hparams ...), which paramwise reads as opaque values."""

    def __init__(self) -> None:
        super().__init__("Module")

    def __repr__(self) -> str:
        return "<class LightningModule>"

    def py_new_instance(self, instance: Instance, ctx: Context) -> None:
        instance.host = Node(instance.cls.name, ctx.location, self.behavior, lenient=True)


class InnerModule(HostValue):
    """A module inside a built-in composite (`attn.out_proj` of nn.MultiheadAttention, `encoder.layers[0]` of
    nn.Transformer): its weights are the composite's, under its dotted name, so freezing or initialising them
    through it acts on the composite's rows. Its size attributes are read from its weights' shapes."""

    def __init__(self, node: Node, path: str, type_name: str) -> None:
        self.node = node
        self.path = path
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.path}>"

    @staticmethod
    def find(node: Node, path: str) -> InnerModule | None:
        assert node.kind is not None
        for name, type_name in inner_modules(node.kind):
            if name == path and name.split(".")[0] not in node.replaced | set(node.children):
                return InnerModule(node, path, type_name)
        return None

    def params(self) -> list[tuple[str, ParamRef]]:
        prefix = self.path + "."
        return [(n.removeprefix(prefix), r) for n, r in self.node.leaf_params().items() if n.startswith(prefix)]

    def py_getattr(self, name: str, ctx: Context) -> Any:
        own = dict(self.params())
        if name in own:
            return ParamValue(own[name])
        found = InnerModule.find(self.node, f"{self.path}.{name}")
        if found is not None:
            return found
        if name in ("parameters", "named_parameters"):
            items = [(n, ParamValue(r)) for n, r in self.params()]
            return Method(lambda a, k, c: [p for _, p in items] if name == "parameters" else items)
        if name == "requires_grad_":
            def set_grad(a: list[Any], k: dict[str, Any], c: Context) -> InnerModule:
                for _, ref in self.params():
                    ref.requires_grad = bool(a[0] if a else k.get("requires_grad", True))
                return self
            return Method(set_grad)
        if name in IDENTITY_METHODS:
            return Method(lambda a, k, c: self)
        weight = own.get("weight")
        if weight is not None and self.type_name in ("Linear", "NonDynamicallyQuantizableLinear"):
            if name == "out_features":
                return weight.shape[0]
            if name == "in_features":
                return weight.shape[1]
        if weight is not None and self.type_name == "LayerNorm" and name == "normalized_shape":
            return tuple(weight.shape)
        if name in ("weight", "bias") or name in NONE_WHEN_ABSENT:
            return None
        return Opaque(f"{self.type_name}.{name}")

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        found = InnerModule.find(self.node, f"{self.path}.{key}") if isinstance(key, int) and key >= 0 else None
        return found if found is not None else Opaque(f"{self.path}[...]")
