"""Recorded calls in a Keras model configuration: the input tensors of each call, in Keras 3's
`{"args", "kwargs"}` form with `__keras_tensor__` placeholders and in tf.keras 2.x's
`[layer, node_index, tensor_index, kwargs]` lists, checked as data."""

from __future__ import annotations

import json

from ...kinds.base import Kind
from .keras_config import TENSOR_KWARGS, is_model

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

Ref = tuple[str, int, int]  # (layer name, node index, tensor index)


def shown(value: Any, keep: int = 60) -> str:
    """A value from the file as a message shows it: JSON spelling, long ones cut."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= keep else text[: keep - 3] + "..."


def set_call_options(kind: Kind, entry: dict[str, Any]) -> None:
    """Call keywords a kind reads from its (first) recorded call, e.g. return_attention_scores=True."""
    nodes = entry.get("inbound_nodes") or []
    kwargs = call_kwargs(nodes[0]) if nodes else {}
    for option in kind.attrs.get("call_options", ()):
        kind.attrs[option] = kwargs.get(option) is True


def call_kwargs(node: Any) -> dict[str, Any]:
    """The keyword arguments of a recorded call: Keras 3 `kwargs`, tf.keras 2.x the first entry's dict."""
    if isinstance(node, dict):
        kwargs = node.get("kwargs")
        return dict(kwargs) if isinstance(kwargs, dict) else {}
    if not isinstance(node, list):
        return {}
    entry = node if node and isinstance(node[0], str) else node[0] if node else []
    return dict(entry[3]) if isinstance(entry, list) and len(entry) > 3 and isinstance(entry[3], dict) else {}


def node_refs(node: Any) -> list[Ref]:
    """The input tensors of one recorded call, in either format."""
    if isinstance(node, dict):  # Keras 3
        found: list[Ref] = []
        collect_history(node.get("args", []), found)
        kwargs = node.get("kwargs") or {}
        for key in TENSOR_KWARGS:
            if key in kwargs:
                collect_history(kwargs[key], found)
        return found
    refs: list[Ref] = []  # tf.keras 2.x: [[layer, node, tensor, kwargs], ...]; TFOpLambda: one entry, unwrapped
    if not isinstance(node, list):
        raise ValueError(f"a recorded call must be a list or an object; got {shown(node)}")
    for item in [node] if node and isinstance(node[0], str) else node:
        if not isinstance(item, list) or len(item) < 3:
            raise ValueError(f"each input must be [layer name, call index, output index]; got {shown(item)}")
        refs.append(checked_ref(item))
        extra = item[3] if len(item) > 3 and isinstance(item[3], dict) else {}
        for value in extra.values():
            if is_ref(value):
                refs.append(checked_ref(value))
    return refs


MAX_INDEX = 2**31  # a call or output index (a model has far fewer calls)


def checked_ref(item: Any) -> Ref:
    """[layer name, call index, output index] from a file: a name that is text and two whole numbers in range;
    raises ValueError (with what was received) for anything else."""
    if not isinstance(item, (list, tuple)) or len(item) < 3:
        raise ValueError(f"a tensor reference must be [layer name, call index, output index]; got {shown(item)}")
    name, node, tensor = item[0], item[1], item[2]
    if not isinstance(name, str):
        raise ValueError(f"a tensor reference names its layer with text; got {shown(name)}")
    for what, value in (("call index", node), ("output index", tensor)):
        if type(value) is not int or not 0 <= value < MAX_INDEX:
            raise ValueError(f"a reference to {what.split()[0]} {shown(value)} of layer '{name[:80]}': the {what} must be "
                             f"a whole number from 0 to {MAX_INDEX - 1:,}")
    return (name, node, tensor)


def collect_history(value: Any, found: list[Ref]) -> None:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            cfg = value.get("config")
            found.append(checked_ref(cfg.get("keras_history") if isinstance(cfg, dict) else None))
            return
        for v in value.values():
            collect_history(v, found)
    elif isinstance(value, list):
        for v in value:
            collect_history(v, found)


def is_ref(value: Any) -> bool:
    return (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def flat_refs(value: Any) -> list[Ref]:
    """`input_layers`/`output_layers`: one [name, node, tensor] or a (nested) list or dict of them."""
    if is_ref(value):
        return [checked_ref(value)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in flat_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in flat_refs(v)]
    return []


def node_offsets(entries: list[dict[str, Any]], nodes: list[list[list[Ref]]], position: dict[str, int]) -> list[int]:
    """1 for a nested model whose node 0 is its own construction (seen from the indices used), else 0."""
    highest = [-1] * len(entries)
    for layer_nodes in nodes:
        for refs in layer_nodes:
            for r in refs:
                if r[0] in position:
                    highest[position[r[0]]] = max(highest[position[r[0]]], r[1])
    return [1 if is_model(e) and highest[i] >= len(nodes[i]) else 0 for i, e in enumerate(entries)]
