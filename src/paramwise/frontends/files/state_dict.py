"""PyTorch `.pt/.pth/.bin/.ckpt` state dicts, read through `torch.load(weights_only=True)` only (never a plain
unpickle, and never with a torch older than 2.6, where weights_only loading is not safe), memory-mapped so no
tensor data is read. Tensors saved once and named twice (a tied embedding) are counted once, as torch's
parameters() counts them. A checkpoint's nested dicts are walked once each, however they share children."""

from __future__ import annotations

import re
from typing import Any

from ...errors import Diagnostic, InputError, LimitError, Location, MissingDependency
from .checkpoint import shown_name
from .module_tree import Tensor

MAX_DICTS = 1_000_000  # dicts looked at in a .pt while searching for its state dict
MAX_DICT_DEPTH = 100
MIN_TORCH = (2, 6)  # torch.load(weights_only=True) is safe from torch 2.6 on (CVE-2025-32434)
STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model", "module", "net", "network", "ema", "params")


def read_torch(path: str, notes: list[str] | None = None) -> tuple[list[Tensor], list[Diagnostic]]:
    """A PyTorch checkpoint through torch.load(weights_only=True) onto the meta device: shapes, no data."""
    try:
        import torch
    except ImportError as e:
        raise MissingDependency(
            f"{path}: reading a PyTorch checkpoint needs torch, which is not installed",
            hint="pip install torch   (or pip install 'paramwise[torch]'); .safetensors files need no torch",
        ) from e
    check_torch_version(torch, path)
    state = load(torch, path)
    tensors_found, where = find_state_dict(torch, state, path)
    if tensors_found is None:
        raise InputError("no state dict (a dict of tensor names to tensors) found in this checkpoint",
                         hint="save one with torch.save(model.state_dict(), path)", location=Location(path))
    tied = tied_tensors(tensors_found)
    tensors = [torch_tensor(path, n, t) for n, t in tensors_found.items() if n not in tied]
    warnings = []
    if notes is not None:
        notes.extend(f"'{shown_name(name)}' is the same tensor as '{shown_name(first)}' (tied): counted once, as "
                     "torch's parameters() counts it" for name, first in list(tied.items())[:20])
    if where:
        warnings.append(Diagnostic("state_dict_key", f"counting the state dict under '{shown_name(where)}' of the checkpoint",
                                   Location(path)))
    return tensors, warnings


def tied_tensors(tensors: dict[str, Any]) -> dict[str, str]:
    """Names whose tensor is an earlier name's tensor (the same storage, offset, shape and strides: a tied
    embedding saved twice), each with the first name. Tensors on the meta device have no storage to compare."""
    first: dict[tuple[Any, ...], str] = {}
    tied: dict[str, str] = {}
    for name, t in tensors.items():
        try:
            if t.device.type == "meta" or t.numel() == 0:
                continue
            key = (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape), tuple(t.stride()), str(t.dtype))
        except Exception:  # noqa: BLE001 - a tensor kind without a plain storage is counted as it is
            continue
        if key in first:
            tied[name] = first[key]
        else:
            first[key] = name
    return tied


def check_torch_version(torch: Any, path: str) -> None:
    """Refuse .pt files with a torch whose weights_only loading can still run code."""
    version = str(getattr(torch, "__version__", ""))
    match = re.match(r"(\d+)\.(\d+)", version)
    if match is None or (int(match.group(1)), int(match.group(2))) < MIN_TORCH:
        need = ".".join(map(str, MIN_TORCH))
        raise MissingDependency(
            f"{path}: reading a .pt checkpoint safely needs torch >= {need} (torch.load(weights_only=True) can run "
            f"code from the file in older versions); this torch is {version or 'of unknown version'}",
            hint=f"pip install -U 'torch>={need}', or convert the checkpoint to .safetensors, which needs no torch",
        )


def torch_tensor(path: str, name: str, t: Any) -> Tensor:
    try:
        return Tensor(name, tuple(int(d) for d in t.shape), str(t.dtype).removeprefix("torch."), int(t.element_size()))
    except Exception as e:  # noqa: BLE001 - a tensor layout torch itself cannot describe on the meta device
        raise InputError(f"tensor '{shown_name(name)}' cannot be read ({type(e).__name__}: {str(e)[:120]})",
                         location=Location(path)) from e


def load(torch: Any, path: str) -> Any:
    import pickle

    try:
        try:  # memory-mapped: no tensor data is read, and tensors saved as one (tied weights) stay one
            return torch.load(path, weights_only=True, map_location="cpu", mmap=True)
        except RuntimeError:  # legacy (non-zip) files cannot be memory-mapped
            return torch.load(path, weights_only=True, map_location="meta")
    except pickle.UnpicklingError as e:
        raise InputError(
            "this checkpoint holds Python objects beyond tensors (a whole pickled model?); paramwise loads "
            "checkpoints only with torch.load(weights_only=True) and never unpickles arbitrary objects",
            hint="save the weights instead: torch.save(model.state_dict(), path), or summarize the live module "
            "with paramwise.summary(model)", location=Location(path),
        ) from e
    except (MemoryError, RecursionError):
        raise
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a damaged file
        raise InputError(f"torch.load could not read this file ({type(e).__name__}: {str(e)[:200]})",
                         hint="is it a PyTorch checkpoint?", location=Location(path)) from e


def key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool) and key.bit_length() > 64:
        return f"<an integer of {key.bit_length()} bits>"
    return str(key)


def find_state_dict(torch: Any, value: Any, path: str = "") -> tuple[dict[str, Any] | None, str]:
    """The state dict: the checkpoint itself, or the entry under a usual key, or its largest dict of tensors.

    Each dict is looked at once (by identity), children before parents, however many paths lead to it."""
    if not isinstance(value, dict):
        return None, ""
    order = dicts_below(value, path)
    best: dict[int, tuple[dict[str, Any] | None, str]] = {}
    for node, where in order:
        tensors = {key_text(k): v for k, v in node.items() if isinstance(v, torch.Tensor)}
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
