"""`copy.deepcopy(module)` and `copy.copy(module)`: a deep copy is a new module with its own parameters (a
tensor shared inside the original is shared inside the copy too); a shallow copy shares the original's.

Each parameter has one canonical `ParamValue` (its handle); copies go through the interpreter's copier on that
handle, so the copy's memo gives a tensor held twice (tied weights, a module's attribute and its table) one copy.
"""

from __future__ import annotations

from collections.abc import Callable

from ....frozen import replace
from .modules import Node, ParamRef, ParamValue

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def handle(ref: ParamRef) -> ParamValue:
    if ref.handle is None:
        ref.handle = ParamValue(ref)
    value: ParamValue = ref.handle
    return value


def copy_param(value: ParamValue, copier: Callable[[Any], Any]) -> ParamValue:
    canonical = handle(value.ref)
    if value is not canonical:
        made: ParamValue = copier(canonical)
        return made
    new = ParamValue(ParamRef(value.ref.shape, value.ref.requires_grad))
    new.ref.handle = new
    return new


def copy_ref(ref: ParamRef, copier: Callable[[Any], Any]) -> ParamRef:
    made: ParamValue = copier(handle(ref))
    return made.ref


def copy_node(node: Node, deep: bool, copier: Callable[[Any], Any]) -> Node:
    if not deep:
        return replace(node, children=dict(node.children), params=dict(node.params), buffers=dict(node.buffers),
                       slots=dict(node.slots), replaced=set(node.replaced), deleted=set(node.deleted),
                       none_buffers=set(node.none_buffers), computed=dict(node.computed))
    return replace(
        node,
        children={n: copier(c) for n, c in node.children.items()},
        params={n: copier(handle(r)).ref for n, r in node.params.items()},
        slots={n: copier(handle(r)).ref for n, r in node.slots.items()},
        buffers=dict(node.buffers), replaced=set(node.replaced), deleted=set(node.deleted),
        none_buffers=set(node.none_buffers), computed=dict(node.computed),
    )
