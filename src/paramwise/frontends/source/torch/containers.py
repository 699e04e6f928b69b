"""The list and dict side of PyTorch containers while a source file is interpreted: nn.Sequential,
nn.ModuleList, nn.ModuleDict and nn.ParameterList items, indexing, slicing, append/extend/insert, keys/items."""

from __future__ import annotations

from ..python.values import Context, Opaque
from .modules import Method, ModuleObj, Node, ParamRef, ParamValue, is_module, node_of
from .traced import TTensor

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def add_items(node: Node, items: list[Any], ctx: Context) -> None:
    """Positional modules of nn.Sequential/ModuleList, or one (Ordered)dict of named ones."""
    if len(items) == 1 and isinstance(items[0], (list, tuple)) and node.behavior in ("dict", "pdict"):
        items = [{k: v for k, v in items[0]}]  # ModuleDict([["name", module], ...])
    if len(items) == 1 and isinstance(items[0], dict):
        for key, value in items[0].items():
            add_child(node, str(key), value, ctx)
        return
    if len(items) == 1 and isinstance(items[0], (list, tuple)) and node.behavior != "sequential":
        items = list(items[0])
    for value in items:
        add_child(node, str(len(node.children) + len(node.params)), value, ctx)


def add_child(node: Node, name: str, value: Any, ctx: Context) -> None:
    if isinstance(value, TTensor) and node.behavior in ("plist", "pdict"):
        value = ParamValue(ParamRef(value.shape))  # ParameterList makes a plain tensor a Parameter
    if isinstance(value, ParamValue):
        node.params[name] = value.ref
    elif is_module(value):
        node.children[name] = value
    elif isinstance(value, Opaque):  # kept in its place: the items after it keep torch's numbering
        ctx.warn("unknown_module", f"{node.type_name} item '{name}' is not a module paramwise can read ({value.what})")
        node.children[name] = value
    else:
        raise ctx.error(f"{node.type_name} holds modules; item '{name}' is {type(value).__name__}",
                        hint="pass nn.Module objects, e.g. nn.Sequential(nn.Linear(4, 2), nn.ReLU())")


def item(node: Node, key: Any, ctx: Context) -> Any:
    """`seq[0]`, `seq[-1]`, `seq[1:]`, `moduledict["name"]`."""
    if node.behavior in ("dict", "pdict"):
        value = node.children.get(str(key)) or (ParamValue(node.params[str(key)]) if str(key) in node.params else None)
        if value is None:
            raise ctx.error(f"{node.type_name} has no key {key!r}", hint=f"keys: {', '.join(node.children)}")
        return value
    values = sequence(node)
    if isinstance(key, slice):
        sliced = ModuleObj(Node(node.type_name, ctx.location, node.behavior))
        for v in values[key]:
            add_child(sliced.node, str(len(sliced.node.children)), v, ctx)
        return sliced
    if isinstance(key, int) and -len(values) <= key < len(values):
        return values[key]
    raise ctx.error(f"index {key!r} is out of range for a {node.type_name} of {len(values)} items")


def sequence(node: Node) -> list[Any]:
    if node.behavior == "plist":
        return [ParamValue(r) for r in node.params.values()]
    return [v for v in node.children.values() if v is not None]


def container_api(value: Any, node: Node, name: str, ctx: Context) -> Any:
    """list/dict methods of ModuleList, ModuleDict, Sequential and ParameterList."""
    if name == "__iter__":
        if node.behavior in ("dict", "pdict"):
            return list(node.children) + list(node.params)
        return sequence(node)
    def append(a: list[Any], k: dict[str, Any], c: Context) -> Any:
        add_items(node, [a[0]], c)
        return value

    def extend(a: list[Any], k: dict[str, Any], c: Context) -> Any:
        add_items(node, items_of(a[0], c) if not isinstance(a[0], dict) else [a[0]], c)
        return value

    def pop(a: list[Any], k: dict[str, Any], c: Context) -> Any:
        key = a[0] if a else k.get("key", k.get("idx", -1))
        return remove_item(node, key, c)

    def put(a: list[Any], k: dict[str, Any], c: Context) -> Any:
        insert(node, a[0], a[1], c)
        return None

    methods = {"append": append, "add": append, "extend": extend, "insert": put, "pop": pop}
    if name in methods and (node.behavior in ("sequential", "list") or node.behavior == "plist" and name in (
            "append", "extend") or node.behavior in ("dict", "pdict") and name == "pop"):
        return Method(methods[name])
    if name == "clear" and node.behavior in ("dict", "pdict"):
        def clear(a: list[Any], k: dict[str, Any], c: Context) -> None:
            node.children.clear()
            node.params.clear()

        return Method(clear)
    if name in ("keys", "values", "items") and node.behavior in ("dict", "pdict"):
        pairs = list(node.children.items()) + [(n, ParamValue(r)) for n, r in node.params.items()]
        index = {"keys": 0, "values": 1}.get(name)
        return Method(lambda a, k, c: pairs if index is None else [pair[index] for pair in pairs])
    if name == "update" and node.behavior in ("dict", "pdict"):
        return Method(lambda a, k, c: add_items(node, [dict(a[0]) if a else k], c))
    return None


def items_of(value: Any, ctx: Context) -> list[Any]:
    """What `extend(x)` / `+ x` adds: a list or tuple, or the items of another container module."""
    other = node_of(value)
    if other is not None:
        return sequence(other)
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ctx.error(f"cannot add {type(value).__name__} to a container of modules",
                    hint="extend it with a list of modules")


def remove_item(node: Node, key: Any, ctx: Context) -> Any:
    """`ModuleList.pop(i)`, `ModuleDict.pop(key)`: the item is removed (the others keep or take the numbering,
    as torch's containers do)."""
    if node.behavior in ("dict", "pdict"):
        if str(key) in node.children:
            return node.children.pop(str(key))
        if str(key) in node.params:
            return ParamValue(node.params.pop(str(key)))
        raise ctx.error(f"{node.type_name} has no key {key!r}")
    values = sequence(node)
    if not isinstance(key, int) or not -len(values) <= key < len(values):
        raise ctx.error(f"pop index {key!r} is out of range for a {node.type_name} of {len(values)} items")
    taken = values.pop(key)
    node.children.clear()
    node.params.clear()
    for v in values:
        add_child(node, str(len(node.children) + len(node.params)), v, ctx)
    return taken


def combine(value: Any, other: Any, ctx: Context) -> Any:
    """`ModuleList + [modules]`, `seq1 + seq2`: a new container of both, as torch's `__add__` makes."""
    node = value.node
    made = ModuleObj(Node(node.type_name, ctx.location, node.behavior))
    for v in [*sequence(node), *items_of(other, ctx)]:
        add_child(made.node, str(len(made.node.children) + len(made.node.params)), v, ctx)
    return made


def insert(node: Node, index: int, value: Any, ctx: Context) -> None:
    values = sequence(node)
    values.insert(index, value)
    node.children.clear()
    for v in values:
        add_child(node, str(len(node.children)), v, ctx)
