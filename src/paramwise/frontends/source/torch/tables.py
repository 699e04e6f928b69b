"""A module's `_parameters`, `_buffers` and `_modules` as the code sees them: dicts it can read, set an item
of, and delete from (`del self._parameters["weight"]`, as weight-norm code does before registering its own)."""

from __future__ import annotations

from ..python.values import Context, HostValue
from .modules import Method, Node, ParamValue, add_buffer, is_module, register, remove
from .traced import constant

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

ATTR = {"_parameters": "parameter", "_buffers": "buffer", "_modules": "module"}


class Table(HostValue):
    def __init__(self, node: Node, which: str) -> None:
        self.node = node
        self.which = which

    def __repr__(self) -> str:
        return f"<{self.node.type_name}.{self.which}>"

    def entries(self) -> dict[str, Any]:
        node = self.node
        if self.which == "_parameters":
            refs = {**(node.leaf_params() if node.kind is not None else {}), **node.params}
            return {n: ParamValue(r) for n, r in refs.items()}
        if self.which == "_buffers":
            return {n: constant(s) for n, s in node.buffers.items()}
        return {n: m for n, m in node.children.items() if m is None or is_module(m)}

    def __contains__(self, key: Any) -> bool:
        return str(key) in self.entries()

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        entries = self.entries()
        if str(key) not in entries:
            raise ctx.error(f"{self.node.type_name} has no {ATTR[self.which]} named {key!r}",
                            hint=f"its {self.which}: {', '.join(entries) or 'none'}")
        return entries[str(key)]

    def py_setitem(self, key: Any, value: Any, ctx: Context) -> None:
        if self.which == "_buffers":
            add_buffer(self.node, key, value, ctx)
        else:
            register(self.node, key, value, ctx)

    def py_delitem(self, key: Any, ctx: Context) -> None:
        if str(key) not in self.entries():
            raise ctx.error(f"{self.node.type_name} has no {ATTR[self.which]} named {key!r} to delete")
        if self.which == "_modules":
            self.node.children.pop(str(key), None)
            self.node.replace_submodule(str(key))
        else:
            remove(self.node, str(key))

    def py_getattr(self, name: str, ctx: Context) -> Any:
        entries = self.entries()
        if name == "__iter__":
            return list(entries)
        if name in ("keys", "values", "items"):
            pairs = list(entries.items())
            index = {"keys": 0, "values": 1}.get(name)
            return Method(lambda a, k, c: pairs if index is None else [p[index] for p in pairs])
        if name == "get":
            return Method(lambda a, k, c: entries.get(str(a[0]), a[1] if len(a) > 1 else None))
        if name == "pop":
            def pop(a: list[Any], k: dict[str, Any], c: Context) -> Any:
                value = entries.get(str(a[0]), a[1] if len(a) > 1 else None)
                if str(a[0]) in entries:
                    self.py_delitem(a[0], c)
                return value
            return Method(pop)
        return super().py_getattr(name, ctx)
