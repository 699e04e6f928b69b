"""PyTorch `.pt/.pth/.bin/.ckpt` state dicts, read as data by torch_pickle.py: the pickle's instructions are
walked without an unpickler, nothing named in the file is looked up or called, and no torch is needed. The
names allowed are those `torch.load(weights_only=True)` allows; anything else (a whole pickled model) is refused
as torch refuses it. No tensor data is read. Tensors saved once and named twice (a tied embedding) are counted
once, as torch's parameters() counts them. A checkpoint's nested dicts are walked once each, however they share
children."""

from __future__ import annotations

from ...errors import Diagnostic, InputError, LimitError, Location
from .checkpoint import open_regular, shown_name
from .module_tree import Tensor
from .torch_pickle import PickledTensor, read_checkpoint_pickle

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_DICTS = 1_000_000  # dicts looked at in a .pt while searching for its state dict
MAX_DICT_DEPTH = 100
STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model", "module", "net", "network", "ema", "params")


def read_torch(path: str, notes: list[str] | None = None) -> tuple[list[Tensor], list[Diagnostic]]:
    """A PyTorch checkpoint's tensors (shapes and dtypes), from its pickle read as data."""
    with open_regular(path) as f:
        state = read_checkpoint_pickle(path, f)
    tensors_found, where = find_state_dict(state, path)
    if tensors_found is None:
        raise InputError("no state dict (a dict of tensor names to tensors) found in this checkpoint",
                         hint="save one with torch.save(model.state_dict(), path)", location=Location(path))
    tied = tied_tensors(tensors_found)
    tensors = [Tensor(n, t.shape, t.dtype, t.element_size) for n, t in tensors_found.items() if n not in tied]
    warnings = []
    if notes is not None:
        notes.extend(f"'{shown_name(name)}' is the same tensor as '{shown_name(first)}' (tied): counted once, as "
                     "torch's parameters() counts it" for name, first in list(tied.items())[:20])
    if where:
        warnings.append(Diagnostic("state_dict_key", f"counting the state dict under '{shown_name(where)}' of the checkpoint",
                                   Location(path)))
    return tensors, warnings


def tied_tensors(tensors: dict[str, PickledTensor]) -> dict[str, str]:
    """Names whose tensor is an earlier name's tensor (the same storage, offset, shape, strides and dtype: a tied
    embedding saved twice), each with the first name. A tensor saved without storage (meta) is never tied."""
    first: dict[tuple[Any, ...], str] = {}
    tied: dict[str, str] = {}
    for name, t in tensors.items():
        if t.storage is None or t.numel() == 0:
            continue
        key = (t.storage, t.offset, t.shape, t.stride, t.dtype)
        if key in first:
            tied[name] = first[key]
        else:
            first[key] = name
    return tied


def key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool) and key.bit_length() > 64:
        return f"<an integer of {key.bit_length()} bits>"
    return str(key)


def find_state_dict(value: Any, path: str = "") -> tuple[dict[str, Any] | None, str]:
    """The state dict: the checkpoint itself, or the entry under a usual key, or its largest dict of tensors.

    Each dict is looked at once (by identity), children before parents, however many paths lead to it."""
    if not isinstance(value, dict):
        return None, ""
    order = dicts_below(value, path)
    best: dict[int, tuple[dict[str, Any] | None, str]] = {}
    for node, where in order:
        tensors = {key_text(k): v for k, v in node.items() if type(v) is PickledTensor}
        if tensors and len(tensors) == len(node):
            best[id(node)] = (tensors, where)
            continue
        candidates = []
        for key, sub in node.items():
            found, at = best.get(id(sub), (None, "")) if isinstance(sub, dict) else (None, "")
            if found:
                candidates.append((key_text(key) in STATE_DICT_KEYS, len(found), found, at))
        if candidates:
            chosen = max(candidates, key=lambda c: (c[0], c[1]))
            best[id(node)] = (chosen[2], chosen[3])
        else:
            best[id(node)] = ((tensors or None), where)
    return best[id(value)]


def dicts_below(root: dict[Any, Any], path: str) -> list[tuple[dict[Any, Any], str]]:
    """Every dict reachable from `root` through dicts, once each, children before their parents, with the
    key path it was first reached by."""
    order: list[tuple[dict[Any, Any], str]] = []
    expanded: set[int] = set()
    stack: list[tuple[dict[Any, Any], str, int, bool]] = [(root, "", 0, False)]
    while stack:
        node, where, depth, done = stack.pop()
        if done:
            order.append((node, where))
            continue
        if id(node) in expanded:
            continue
        expanded.add(id(node))
        if len(expanded) > MAX_DICTS or depth > MAX_DICT_DEPTH:
            what = f"more than {MAX_DICTS:,} dicts" if len(expanded) > MAX_DICTS else f"dicts nested over {MAX_DICT_DEPTH} deep"
            raise LimitError(f"this checkpoint holds {what}; a state dict is a flat dict of tensors",
                             hint="save one with torch.save(model.state_dict(), path)", location=Location(path))
        stack.append((node, where, depth, True))
        for key, sub in node.items():
            if isinstance(sub, dict) and id(sub) not in expanded:
                stack.append((sub, f"{where}.{key_text(key)}" if where else key_text(key), depth + 1, False))
    return order
