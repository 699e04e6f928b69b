"""Stand-ins for PyTorch modules and parameters while a source file is interpreted.

Every module (a built-in like nn.Conv2d, a container, or an instance of the file's own nn.Module subclass)
has a `Node`: its children, bare parameters and buffers in registration order, as `torch.nn.Module` keeps
them in `_modules`, `_parameters` and `_buffers`. Parameters are `ParamRef`s, so tying
(`self.head.weight = self.embed.weight`) and freezing (`p.requires_grad = False`) act on one shared object.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from ....errors import KindError, Location
from ....frozen import field, frozen, record
from ....ir import Layer
from ....kinds.base import Kind
from ....kinds.rows import Unknown
from ..python.interpreter import preview
from ..python.values import Atomic, Context, HostValue, Instance, Opaque

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

CONTAINERS = {"Module": "module", "Sequential": "sequential", "ModuleList": "list", "ModuleDict": "dict",
              "ParameterList": "plist", "ParameterDict": "pdict"}
ADDABLE = ("sequential", "list", "plist")  # `+` (and `+=`) of torch's list-like containers
IDENTITY_METHODS = {"train", "eval", "to", "cuda", "cpu", "float", "double", "half", "bfloat16", "apply",
                    "zero_grad", "share_memory", "type", "requires_grad_"}


@record(eq=False)
class ParamRef:
    """One parameter tensor; several modules may hold the same one (tied weights)."""

    shape: tuple[Any, ...]
    requires_grad: bool = True
    handle: Any = field(default=None, repr=False)  # its one ParamValue, through which copies are made


@record(eq=False)
class Node:
    """One module in the tree of a model's modules."""

    type_name: str
    location: Location | None
    behavior: str = "module"  # module | sequential | list | dict | plist | pdict | leaf
    kind: Kind | None = None
    children: dict[str, Any] = field(default_factory=dict)
    params: dict[str, ParamRef] = field(default_factory=dict)
    buffers: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    slots: dict[str, ParamRef] = field(default_factory=dict)  # a built-in module's own weights
    replaced: set[str] = field(default_factory=set)  # a built-in's submodules a subclass set to something else
    deleted: set[str] = field(default_factory=set)  # a built-in's weights removed (`del m._parameters["weight"]`)
    none_buffers: set[str] = field(default_factory=set)  # register_buffer(name, None): a tensor set later is a buffer
    computed: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # plain tensors: weight_norm's `weight`
    lenient: bool = False  # a subclass of a framework's module class (LightningModule): more attributes than nn's
    # the shapes the kind's arguments give its weights, kept when leaf_params makes the slots from them (a kind
    # does not change once made), for reshaped() to compare against without working them out again
    made: dict[str, tuple[Any, ...]] | None = field(default=None, repr=False)

    def leaf_params(self) -> dict[str, ParamRef]:
        """The weights of a built-in module, by their PyTorch names (empty while their size is unknown)."""
        if self.kind is None or isinstance(self.kind, Unknown) or self.slots:
            return self.kept(self.slots)
        try:
            weights = self.kind.weights(None)
        except (KindError, TypeError, ValueError):
            return self.slots
        made = {w.name: tuple(w.shape) for w in weights if not w.is_buffer}
        for name, shape in made.items():
            self.slots[name] = ParamRef(shape)
        self.made = made
        return self.kept(self.slots)

    def reshaped(self) -> bool:
        """Whether a weight of this built-in no longer has the shape its arguments give (`emb.weight =
        nn.Parameter(table)`, `p.data = t`): then its row lists the tensors it holds."""
        if not self.slots or self.kind is None or isinstance(self.kind, Unknown):
            return False
        made = self.made
        if made is None:
            try:
                made = {w.name: tuple(w.shape) for w in self.kind.weights(None) if not w.is_buffer}
            except (KindError, TypeError, ValueError):
                return False
        return any(n in made and tuple(r.shape) != made[n] for n, r in self.slots.items())

    def kept(self, slots: dict[str, ParamRef]) -> dict[str, ParamRef]:
        """Without the weights of submodules a subclass replaced (`self.decoder = nn.Linear(...)` in a
        subclass of nn.Transformer drops the built-in decoder, as torch does)."""
        if not self.replaced and not self.deleted:
            return slots
        return {n: r for n, r in slots.items() if n.split(".")[0] not in self.replaced and n not in self.deleted}

    def replace_submodule(self, name: str) -> None:
        if self.kind is not None and any(n.startswith(f"{name}.") for n in self.leaf_params()):
            self.replaced.add(name)


def node_of(value: Any) -> Node | None:
    if isinstance(value, ModuleObj):
        return value.node
    if isinstance(value, Instance) and isinstance(value.host, Node):
        return value.host
    return None


def is_module(value: Any) -> bool:
    return node_of(value) is not None


SAME_TENSOR = {"float", "cpu", "contiguous"}  # on a float32 CPU parameter these return the parameter itself
FLOAT32 = {"torch.float32", "torch.float", "torch.FloatTensor", "float32", "float", "FloatTensor"}
OTHER_TYPES = ("double", "half", "bfloat16", "float16", "float64", "Double", "Half", "BFloat16", "Long", "Int", "int",
               "long", "bool", "Bool", "cuda", "complex")


def keeps_tensor(args: list[Any], kwargs: dict[str, Any]) -> bool:
    """Whether `.type(...)`/`.to(...)` of a float32 CPU parameter returns it unchanged: yes unless an argument names
    another dtype or device (an argument paramwise cannot read is taken as the CPU default, as the file runs on a CPU)."""
    for value in [*args, *kwargs.values()]:
        what = value if isinstance(value, str) else (getattr(value, "what", None) or getattr(value, "path", None)
                                                     or getattr(value, "name", None))
        if isinstance(what, str) and what not in FLOAT32 and any(word in what for word in OTHER_TYPES):
            return False
    return True


class TensorArithmetic(HostValue):
    """What a tensor and a parameter share in code: indexing, `x + y`, `x @ w`, `-x`."""

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        return operations().index_tensor(self, key, ctx)

    def py_binop(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        return operations().binop(op, left, right, ctx)

    def py_unaryop(self, op: type, ctx: Context) -> Any:
        """`-x` is `x * -1` (its shape, and its values where they are known); `+x` is x; `~x` is not read."""
        if op is ast.USub:
            return operations().binop(ast.Mult, self, -1, ctx)
        if op is ast.UAdd:
            return operations().binop(ast.Mult, self, 1, ctx)
        return Opaque("~tensor")


class ParamValue(TensorArithmetic):
    """An nn.Parameter (or a module's weight) seen by the code: shape, requires_grad, in-place init no-ops."""

    def __init__(self, ref: ParamRef) -> None:
        self.ref = ref

    def __repr__(self) -> str:
        return f"<Parameter {self.ref.shape}>"

    @property
    def shape(self) -> tuple[Any, ...]:
        return self.ref.shape

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "requires_grad":
            return self.ref.requires_grad
        if name in ("data", "weight"):
            return self
        if name == "requires_grad_":
            return Method(lambda a, k, c: self._set_grad(a[0] if a else k.get("requires_grad", True)))
        if name in SAME_TENSOR or name in ("type", "to"):
            # torch gives back the parameter itself where nothing changes (a float32 CPU parameter's .float(),
            # .cpu(), .type(torch.FloatTensor), .to("cpu")), and a new plain tensor, not registered, otherwise
            return Method(lambda a, k, c: self if name in SAME_TENSOR or keeps_tensor(a, k) else self._copy(name, c))
        return operations().tensor_attr(self, name, ctx)

    def _copy(self, name: str, ctx: Context) -> Any:
        return operations().tensor_attr(self, "detach", ctx)

    def _set_grad(self, flag: Any) -> ParamValue:
        self.ref.requires_grad = bool(flag)
        return self

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        if name == "requires_grad":
            self.ref.requires_grad = bool(value)
        elif name == "data":  # `p.data = t` gives the parameter t's values, and so its shape
            shape = operations().shape_of(value)
            if shape is not None:
                self.ref.shape = tuple(shape)
            else:
                ctx.warn("unread_tensor", f"a parameter's data is set to {preview(value)}, whose shape paramwise "
                         "cannot read; its earlier shape is counted", hint="give the tensor's sizes in the file")

    def py_type(self) -> Any:
        return ParameterClass()

    def py_copy(self, deep: bool, copier: Any, ctx: Context) -> Any:
        return operations().copy_param(self, copier) if deep else self

    def __lt__(self, other: Any) -> Any:
        return operations().compare("lt", self, other)

    def __gt__(self, other: Any) -> Any:
        return operations().compare("gt", self, other)


class Method(HostValue):
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.fn(args, kwargs, ctx)


def walk(value: Any, prefix: str = "", seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """`named_modules()`: (dotted name, module), each module once, parents before children."""
    seen = set() if seen is None else seen
    # a stack, not recursion: a generator nested d deep passes each module through d frames (a chain of 800
    # nested Sequentials took 1.9 million steps to walk)
    stack = [(prefix, value)]
    while stack:
        path, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        yield path, module
        node = node_of(module)
        assert node is not None
        children = [(f"{path}.{name}" if path else name, child) for name, child in node.children.items() if is_module(child)]
        stack.extend(reversed(children))  # the first child is walked next, as named_modules() does


def own_params(node: Node) -> list[tuple[str, ParamRef]]:
    return list(node.params.items()) + list(node.leaf_params().items())


def register(node: Node, name: Any, value: Any, ctx: Context | None = None) -> None:
    """`self.name = value` on a module: a module, a parameter or a buffer joins the right table."""
    name = str(name)
    known = node.children.get(name) is not None or name in node.params or name in node.leaf_params()
    operations().warn_if_created(name, value, known, ctx)
    node.computed.pop(name, None)
    if is_module(value):
        node.params.pop(name, None)
        node.replace_submodule(name)
        node.children[name] = value
    elif isinstance(value, ParamValue):
        node.children.pop(name, None)
        if node.kind is not None and name in node.leaf_params():
            node.slots[name] = value.ref
        else:
            node.params[name] = value.ref
    elif value is None and name in node.children:
        node.children[name] = None
    elif value is None:
        remove(node, name)
    elif name in node.buffers or name in node.none_buffers:  # torch keeps a buffer's name: a tensor set is one
        node.none_buffers.discard(name)
        node.deleted.discard(name)
        add_buffer(node, name, value, ctx)


def remove(node: Node, name: str) -> None:
    """`register_parameter(name, None)`, `m.bias = None`, `del m._parameters[name]`: the tensor is gone."""
    node.params.pop(name, None)
    node.buffers.pop(name, None)
    node.deleted.add(name)
    node.replace_submodule(name)


def add_buffer(node: Node, name: Any, tensor: Any, ctx: Context | None = None) -> None:
    shape = operations().shape_of(tensor)
    if shape is not None:
        node.buffers[str(name)] = shape
    elif tensor is None:  # torch keeps the name, as None (`self.attn_mask is not None` reads it)
        node.buffers.pop(str(name), None)
        node.deleted.add(str(name))
        node.none_buffers.add(str(name))
    elif ctx is not None:
        ctx.warn("unread_tensor", f"buffer '{name}' of {node.type_name} is made from a value paramwise cannot read "
                 f"({preview(tensor)}); it is not counted", hint="make it with torch.zeros(...) of sizes the file gives")


class ModuleObj(HostValue):
    """A built-in module object: nn.Conv2d(...), nn.Sequential(...), nn.ModuleList(...) ..."""

    def __init__(self, node: Node) -> None:
        self.node = node

    def __repr__(self) -> str:
        return f"<{self.node.type_name}>"

    def to_layer(self) -> Layer:
        """How a module passed to another's constructor (nn.TransformerEncoder(layer, 6)) is read."""
        kind = self.node.kind if self.node.kind is not None else Unknown("torch", self.node.type_name, {})
        return Layer(self.node.type_name.lower(), self.node.type_name, kind, self.node.location)

    def py_getattr(self, name: str, ctx: Context) -> Any:
        found = operations().container_api(self, self.node, name, ctx)
        return found if found is not None else operations().module_api(self, self.node, name, ctx)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        operations().warn_unread(name, value, ctx)
        register(self.node, name, value, ctx)

    def py_copy(self, deep: bool, copier: Any, ctx: Context) -> Any:
        made = type(self).__new__(type(self))
        made.__dict__.update(self.__dict__)
        made.node = operations().copy_node(self.node, deep, copier)
        return made

    def py_type(self) -> Any:
        return ModuleClass(self.node.type_name.removeprefix("Parametrized"))

    def py_binop(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        if op is ast.Add and left is self and self.node.behavior in ADDABLE:
            return operations().combine(self, right, ctx)
        return Opaque(f"module {self.node.type_name} arithmetic")

    def py_delattr(self, name: str, ctx: Context) -> None:
        remove(self.node, name)
        self.node.children.pop(name, None)

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        return operations().item(self.node, key, ctx)

    def py_setitem(self, key: Any, value: Any, ctx: Context) -> None:
        if self.node.behavior in ("dict", "pdict"):
            operations().add_child(self.node, str(key), value, ctx)
        elif isinstance(key, int):
            names = [n for n, v in self.node.children.items() if v is not None]
            self.node.children[names[key]] = value

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return operations().call_module(self, args, kwargs, ctx)


class ModuleClass(Atomic):
    """`nn.Conv2d`, `nn.Sequential`, `nn.Module`: call one to make a module; derive a class from one."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name
        self.behavior = CONTAINERS.get(type_name, "leaf")

    def __repr__(self) -> str:
        return f"<class nn.{self.type_name}>"

    def __eq__(self, other: object) -> bool:  # `nn.InstanceNorm2d` names one class wherever it is read
        return isinstance(other, ModuleClass) and other.type_name == self.type_name

    def __hash__(self) -> int:
        return hash(("ModuleClass", self.type_name))

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "__init__":  # nn.Linear.__init__(self, 8, 4) in a subclass
            return Method(lambda a, k, c: self.explicit_init(a, k, c))
        if name in ("__name__", "__qualname__"):
            return self.type_name
        if name == "from_pretrained" and self.type_name in ("Embedding", "EmbeddingBag"):
            return Method(lambda a, k, c: operations().from_pretrained(self, a, k, c))
        return super().py_getattr(name, ctx)

    def explicit_init(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        instance = args[0] if args else None
        if not isinstance(instance, Instance) or node_of(instance) is None:
            raise ctx.error(f"nn.{self.type_name}.__init__ needs the module being made (self) first")
        self.py_instance_init(instance, list(args[1:]), kwargs, ctx)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        node = Node(self.type_name, ctx.location, self.behavior)
        self.fill(node, args, kwargs, ctx)
        return ModuleObj(node)

    def fill(self, node: Node, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        if self.behavior == "leaf":
            node.kind = operations().make_leaf_kind(self.type_name, args, kwargs, ctx)
        elif self.behavior != "module":
            operations().add_items(node, list(args) + ([kwargs["modules"]] if "modules" in kwargs else []), ctx)

    def py_instancecheck(self, value: Any) -> bool:
        if isinstance(value, Instance):
            return any(base is self for base in value.cls.mro())
        node = node_of(value)
        return node is not None and (self.type_name == "Module" or node.type_name.removeprefix("Parametrized") == self.type_name)

    # -- a class of the file derives from this one ------------------------------------------------
    def py_new_instance(self, instance: Instance, ctx: Context) -> None:
        instance.host = Node(instance.cls.name, ctx.location, self.behavior)

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        node = node_of(instance)
        if node is not None:
            self.fill(node, args, kwargs, ctx)

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        node = node_of(instance)
        if node is None:
            raise AttributeError(name)
        found = operations().container_api(instance, node, name, ctx)
        return found if found is not None else operations().module_api(instance, node, name, ctx)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        node = node_of(instance)
        if node is not None:
            operations().warn_unread(name, value, ctx)
            register(node, name, value, ctx)
            if isinstance(value, ParamValue) and node.kind is not None and name in node.slots:
                instance.attrs.pop(name, None)

    def py_instance_copy(self, old: Instance, new: Instance, deep: bool, copier: Any, ctx: Context) -> bool:
        node = node_of(old)
        if node is not None:
            new.host = operations().copy_node(node, deep, copier)
        return True

    def py_instance_delattr(self, instance: Instance, name: str, ctx: Context) -> None:
        node = node_of(instance)
        if node is not None:
            remove(node, name)
            node.children.pop(name, None)

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return operations().call_module(instance, args, kwargs, ctx)


class ParameterClass(Atomic):
    """`nn.Parameter(tensor, requires_grad=True)`."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParameterClass)

    def __hash__(self) -> int:
        return hash("ParameterClass")

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        data = args[0] if args else kwargs.get("data")
        shape = operations().shape_of(data)
        if shape is None:
            if isinstance(data, ParamValue):
                return data
            raise ctx.error("nn.Parameter needs a tensor whose shape paramwise can read",
                            hint="e.g. nn.Parameter(torch.zeros(1, 1, dim))")
        grad = args[1] if len(args) > 1 else kwargs.get("requires_grad", True)
        return ParamValue(ParamRef(shape, bool(grad)))

    def py_instancecheck(self, value: Any) -> bool:
        return isinstance(value, ParamValue)


# -- what is written above this module -------------------------------------------------------------------------
@frozen
class Operations:
    """What modules and parameters do that is written in the modules above this one: following `forward`
    (forward, tensors), the container and nn.Module methods (containers, moduleapi), copies (copying), the
    warnings while forward is followed (lazy) and from_pretrained (parametrize). Those modules import this one;
    this one reaches them only through the operations the torch reader installs, so imports go one way."""

    shape_of: Callable[[Any], tuple[Any, ...] | None]
    tensor_attr: Callable[[Any, str, Context], Any]
    index_tensor: Callable[[Any, Any, Context], Any]
    binop: Callable[[type, Any, Any, Context], Any]
    compare: Callable[[str, Any, Any], Any]
    scalar: Callable[[Any, Callable[[Any], Any]], Any]
    call_module: Callable[[Any, list[Any], dict[str, Any], Context], Any]
    builtin_forward: Callable[[Any, list[Any], dict[str, Any], Context], Any]
    copy_param: Callable[[ParamValue, Callable[[Any], Any]], ParamValue]
    copy_node: Callable[[Node, bool, Callable[[Any], Any]], Node]
    warn_if_created: Callable[[str, Any, bool, Context | None], None]
    warn_unread: Callable[[str, Any, Context], None]
    container_api: Callable[[Any, Node, str, Context], Any]
    module_api: Callable[[Any, Node, str, Context], Any]
    combine: Callable[[Any, Any, Context], Any]
    item: Callable[[Node, Any, Context], Any]
    add_child: Callable[[Node, str, Any, Context], None]
    add_items: Callable[[Node, list[Any], Context], None]
    make_leaf_kind: Callable[[str, list[Any], dict[str, Any], Context], Kind]
    from_pretrained: Callable[[ModuleClass, list[Any], dict[str, Any], Context], Any]


_INSTALLED: list[Operations] = []


def install(installed: Operations) -> None:
    """Called once by the torch reader, when it is imported, with its modules' functions."""
    _INSTALLED[:] = [installed]


def operations() -> Operations:
    return _INSTALLED[0]
