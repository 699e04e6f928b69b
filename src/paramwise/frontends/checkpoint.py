"""Checkpoints, read without running anything: safetensors from the header alone (8-byte little-endian length,
then JSON; tensor data is never read), sharded `*.safetensors.index.json` (each shard's header), and PyTorch
`.pt/.pth/.bin` state dicts through `torch.load(weights_only=True, map_location="meta")` only (never a plain
unpickle). Rows follow the module tree of the dotted tensor names."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, InputError, Location, MissingDependency
from . import Found, ReadOptions
from .tree import Tensor, build_tree, natural_key

READS_PATH = True
MAX_HEADER = 100 * 1024 * 1024
SAFETENSORS_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
                     "BOOL": 1, "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1}
TORCH_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt")
STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model", "module", "net", "network", "ema", "params")


def sniff(path: str, head: bytes) -> bool:
    if path.endswith(".safetensors") or looks_like_safetensors(head):
        return True
    if path.endswith(".index.json"):
        return b"weight_map" in head
    if path.endswith(TORCH_SUFFIXES):
        return True
    return head.startswith(b"PK\x03\x04") and b"data.pkl" in head[:4096]


def looks_like_safetensors(head: bytes) -> bool:
    if len(head) < 10:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return 2 <= n <= MAX_HEADER and head[8:9] == b"{"


def read_file(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    name = Path(path).name
    if path.endswith(".index.json"):
        tensors, warnings = read_index(path)
        kind = "sharded safetensors"
    elif path.endswith(TORCH_SUFFIXES) and not looks_like_safetensors(open_head(path)):
        tensors, warnings = read_torch(path)
        kind = "PyTorch state dict"
    else:
        tensors, warnings = read_safetensors(path)
        tensors.sort(key=lambda t: natural_key(t.name))
        kind = "safetensors"
    if not tensors:
        raise InputError(f"{path}: the checkpoint holds no tensors", hint="is this the right file?")
    graph = build_tree(tensors, name, path, {"model_type": kind})
    return [Found(name, replace(graph, warnings=tuple(warnings)))], 0


def open_head(path: str) -> bytes:
    with Path(path).open("rb") as f:
        return f.read(16)


def read_header(path: str) -> tuple[dict[str, Any], int]:
    """The JSON header of a safetensors file, and the file's size; reads 8 + header bytes, nothing more."""
    p = Path(path)
    size = p.stat().st_size
    where = Location(path)
    with p.open("rb") as f:
        raw = f.read(8)
        if len(raw) < 8:
            raise InputError(f"{path}: too short to be a safetensors file ({size} bytes)", location=where)
        (n,) = struct.unpack("<Q", raw)
        if n > MAX_HEADER or n > size - 8:
            raise InputError(
                f"{path}: the safetensors header claims {n:,} bytes but the file has {size:,}",
                hint="the file is damaged or not safetensors", location=where,
            )
        text = f.read(n)
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: the safetensors header is not valid JSON ({e})", location=where) from e
    if not isinstance(header, dict):
        raise InputError(f"{path}: the safetensors header is not a JSON object", location=where)
    return header, size - 8 - n


def read_safetensors(path: str) -> tuple[list[Tensor], list[Diagnostic]]:
    header, data_size = read_header(path)
    tensors: list[Tensor] = []
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict) or "shape" not in info or "dtype" not in info:
            raise InputError(f"{path}: header entry '{name}' has no shape/dtype", location=Location(path, path=name))
        shape = tuple(int(d) for d in info["shape"])
        offsets = info.get("data_offsets", [0, 0])
        end = max(end, int(offsets[1]))
        tensors.append(Tensor(name, shape, info["dtype"], bytes_per(info["dtype"], shape, offsets)))
    warnings = []
    if end > data_size:
        warnings.append(Diagnostic(
            "truncated", f"{Path(path).name}: the header describes {end:,} bytes of tensor data but the file holds "
            f"{data_size:,}; counts come from the header", Location(path),
            "the file may be an incomplete download; the counts are still those the header declares",
        ))
    return tensors, warnings


def bytes_per(dtype: str, shape: tuple[int, ...], offsets: Any) -> int:
    if dtype in SAFETENSORS_BYTES:
        return SAFETENSORS_BYTES[dtype]
    n = 1
    for d in shape:
        n *= d
    return max(1, -(-(int(offsets[1]) - int(offsets[0])) // max(n, 1)))


def read_index(path: str) -> tuple[list[Tensor], list[Diagnostic]]:
    """A sharded checkpoint: the index names each tensor's shard; each shard's header gives the shapes."""
    try:
        index = json.loads(Path(path).read_text())
        weight_map: dict[str, str] = index["weight_map"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a safetensors index (needs a 'weight_map')", location=Location(path)) from e
    tensors: list[Tensor] = []
    warnings: list[Diagnostic] = []
    folder = Path(path).parent
    for shard in dict.fromkeys(weight_map.values()):
        shard_path = folder / shard
        if not shard_path.exists():
            missing = sum(1 for s in weight_map.values() if s == shard)
            warnings.append(Diagnostic("missing_shard", f"shard {shard} is missing: its {missing} tensors are not counted",
                                       Location(path), "download every shard named in the index"))
            continue
        found, shard_warnings = read_safetensors(str(shard_path))
        tensors.extend(t for t in found if weight_map.get(t.name) == shard)
        warnings.extend(shard_warnings)
    tensors.sort(key=lambda t: natural_key(t.name))
    return tensors, warnings


def read_torch(path: str) -> tuple[list[Tensor], list[Diagnostic]]:
    """A PyTorch checkpoint through torch.load(weights_only=True) onto the meta device: shapes, no data."""
    try:
        import torch
    except ImportError as e:
        raise MissingDependency(
            f"{path}: reading a PyTorch checkpoint needs torch, which is not installed",
            hint="pip install torch   (or pip install 'paramwise[torch]'); .safetensors files need no torch",
        ) from e
    state = load(torch, path)
    tensors_found, where = find_state_dict(torch, state)
    if tensors_found is None:
        raise InputError(f"{path}: no state dict (a dict of tensor names to tensors) found in this checkpoint",
                         hint="save one with torch.save(model.state_dict(), path)", location=Location(path))
    tensors = [Tensor(n, tuple(t.shape), str(t.dtype).removeprefix("torch."), t.element_size())
               for n, t in tensors_found.items()]
    warnings = []
    if where:
        warnings.append(Diagnostic("state_dict_key", f"counting the state dict under '{where}' of the checkpoint",
                                   Location(path)))
    return tensors, warnings


def load(torch: Any, path: str) -> Any:
    import pickle

    try:
        try:
            return torch.load(path, weights_only=True, map_location="meta", mmap=True)
        except RuntimeError:  # legacy (non-zip) files cannot be memory-mapped
            return torch.load(path, weights_only=True, map_location="meta")
    except pickle.UnpicklingError as e:
        raise InputError(
            f"{path}: this checkpoint holds Python objects beyond tensors (a whole pickled model?); paramwise loads "
            "checkpoints only with torch.load(weights_only=True) and never unpickles arbitrary objects",
            hint="save the weights instead: torch.save(model.state_dict(), path), or summarize the live module "
            "with paramwise.summary(model)", location=Location(path),
        ) from e
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a damaged file
        raise InputError(f"{path}: torch.load could not read this file ({type(e).__name__}: {str(e)[:200]})",
                         hint="is it a PyTorch checkpoint?", location=Location(path)) from e


def find_state_dict(torch: Any, value: Any, prefix: str = "") -> tuple[dict[str, Any] | None, str]:
    """The state dict: the checkpoint itself, or the entry under a usual key, or its largest dict of tensors."""
    if not isinstance(value, dict):
        return None, ""
    tensors = {str(k): v for k, v in value.items() if isinstance(v, torch.Tensor)}
    if tensors and len(tensors) == len(value):
        return tensors, prefix
    candidates = []
    for key, sub in value.items():
        found, where = find_state_dict(torch, sub, f"{prefix}.{key}" if prefix else str(key))
        if found:
            candidates.append((str(key) in STATE_DICT_KEYS, len(found), found, where))
    if not candidates:
        return (tensors or None), prefix
    best = max(candidates, key=lambda c: (c[0], c[1]))
    return best[2], best[3]
