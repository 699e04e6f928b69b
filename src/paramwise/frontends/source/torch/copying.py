"""`copy.deepcopy(module)` and `copy.copy(module)`: a deep copy is a new module with its own parameters (a
tensor shared inside the original is shared inside the copy too); a shallow copy shares the original's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .modules import Node, ParamRef

# one table of copied parameters per deep copy (keyed by its copier, which lives as long as the copy runs)
MEMOS: dict[int, tuple[Callable[[Any], Any], dict[int, ParamRef]]] = {}


def copy_ref(ref: ParamRef, copier: Callable[[Any], Any]) -> ParamRef:
    _, memo = MEMOS.setdefault(id(copier), (copier, {}))
    if id(ref) not in memo:
        memo[id(ref)] = ParamRef(ref.shape, ref.requires_grad)
    return memo[id(ref)]


def copy_node(node: Node, deep: bool, copier: Callable[[Any], Any]) -> Node:
    if not deep:
        return replace(node, children=dict(node.children), params=dict(node.params), buffers=dict(node.buffers),
                       slots=dict(node.slots), replaced=set(node.replaced), deleted=set(node.deleted),
                       computed=dict(node.computed))
    if len(MEMOS) > 64:  # copies long finished
        MEMOS.clear()
    return replace(
        node,
        children={n: copier(c) for n, c in node.children.items()},
        params={n: copy_ref(r, copier) for n, r in node.params.items()},
        slots={n: copy_ref(r, copier) for n, r in node.slots.items()},
        buffers=dict(node.buffers), replaced=set(node.replaced), deleted=set(node.deleted),
        computed=dict(node.computed),
    )
