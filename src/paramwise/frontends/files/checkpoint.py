"""Checkpoints, read without running anything: safetensors from the header alone (8-byte little-endian length,
then JSON; tensor data is never read), sharded `*.safetensors.index.json` (each shard's header), and PyTorch
`.pt/.pth/.bin` state dicts through `torch.load(weights_only=True, map_location="meta")` only (never a plain
unpickle, and never with a torch older than 2.6, where weights_only loading is not safe). Rows follow the
module tree of the dotted tensor names.

Every file is hostile until checked: headers are validated entry by entry, only regular files are opened
(a named pipe never blocks the read), an index's shards must lie beside it, and a .pt's nested dicts are
walked once each, however they share children."""

from __future__ import annotations

import json
import os
import re
import stat
import struct
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from ...errors import Diagnostic, InputError, LimitError, Location, MissingDependency
from ...infer import gc_paused
from ...ir import Graph
from .. import Found, ReadOptions
from .keras_json import parse_json
from .module_tree import Tensor, build_tree, dtypes, natural_key

READS_PATH = True
MAX_HEADER = 100 * 1024 * 1024  # the safetensors format's own limit
MAX_INDEX_BYTES = 64 * 1024 * 1024
MAX_TENSORS = 1_000_000  # the largest real checkpoints hold ~100,000
MAX_VALUES = 2**63  # values in one tensor
MAX_DICTS = 1_000_000  # dicts looked at in a .pt while searching for its state dict
MAX_DICT_DEPTH = 100
MIN_TORCH = (2, 6)  # torch.load(weights_only=True) is safe from torch 2.6 on (CVE-2025-32434)
SAFETENSORS_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
                     "BOOL": 1, "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
                     "C64": 8}
# A dtype this table does not know (a newer format's F4, F6_E2M3 ...) is read with its size from the offsets, if it
# is spelled as the format spells dtypes; anything else in that field is an error, never shown as a dtype.
DTYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
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
    with gc_paused():  # 100,000 header entries, tensors and rows, none of them in a cycle
        return read_checkpoint(path)


def read_checkpoint(path: str) -> tuple[list[Found], int]:
    name = Path(path).name
    meta: dict[str, Any] = {}
    if path.endswith(".index.json"):
        tensors, warnings = read_index(path)
        kind = "sharded checkpoint"
    elif is_torch_file(path):
        notes: list[str] = []
        tensors, warnings = read_torch(path, notes)
        kind = "PyTorch state dict"
        meta = {"notes": notes} if notes else {}
    else:
        tensors, warnings = read_safetensors(path)
        tensors.sort(key=lambda t: natural_key(t.name))
        kind = "safetensors"
        meta = shard_meta(path)
    return [Found(name, checkpoint_graph(tensors, warnings, name, path, {"model_type": kind, **meta}))], 0


def is_torch_file(path: str | Path) -> bool:
    return str(path).endswith(TORCH_SUFFIXES) and not looks_like_safetensors(open_head(str(path)))


def checkpoint_graph(tensors: list[Tensor], warnings: list[Diagnostic], name: str, path: str, meta: dict[str, Any]) -> Graph:
    """The module tree of the tensors; a packed or quantized layout (GPTQ, AWQ, bitsandbytes, FP8 ...) is counted
    as the model it packs, with what is stored beside it."""
    if not tensors:
        raise InputError(f"{path}: the checkpoint holds no tensors", hint="is this the right file?")
    from .quantized import read_quantized

    packed = read_quantized(tensors, path)
    stored = tensors
    if packed is not None:
        tensors, extra = packed
        meta = {**meta, **extra, "notes": [*meta.get("notes", ()), *extra["notes"]]}
    graph = build_tree(tensors, name, path, meta)
    return replace(graph, warnings=tuple(warnings), meta={**graph.meta, "dtypes": dtypes(stored)})


# -- a folder of shards, and a shard read alone ---------------------------------------------------------

MAX_DIR_ENTRIES = 100_000  # names looked at in a folder
INDEX_SUFFIXES = (".safetensors.index.json", ".bin.index.json", ".pt.index.json", ".pth.index.json")


def folder_files(path: str) -> list[str]:
    """The regular-looking file names in a folder (at most MAX_DIR_ENTRIES looked at), in natural order."""
    names = []
    with os.scandir(path) as entries:
        for i, entry in enumerate(entries):
            if i >= MAX_DIR_ENTRIES:
                raise LimitError(f"{path}: the folder holds more than {MAX_DIR_ENTRIES:,} entries", hint="give the index file itself")
            names.append(entry.name)
    return sorted(names, key=natural_key)


def sniff_dir(path: str) -> bool:
    """A folder of checkpoint shards: an index (`*.safetensors.index.json`, `pytorch_model.bin.index.json`) or
    safetensors files."""
    try:
        names = folder_files(path)
    except OSError:
        return False
    return any(n.endswith(INDEX_SUFFIXES) or n.endswith(".safetensors") for n in names)


def read_dir(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    """The whole model in a folder: through its index when there is one, else every safetensors file in it."""
    names = folder_files(path)
    folder = Path(path)
    indexes = [n for n in names if n.endswith(INDEX_SUFFIXES)]
    name = folder.resolve().name or str(folder)
    with gc_paused():
        if indexes:
            index = choose_index(path, indexes)
            tensors, warnings = read_index(str(folder / index))
            meta = {"model_type": "sharded checkpoint", "index": index}
        else:
            tensors, warnings = read_files(path, [n for n in names if n.endswith(".safetensors")])
            meta = {"model_type": "safetensors files"}
        return [Found(name, checkpoint_graph(tensors, warnings, name, path, meta))], 0


def choose_index(path: str, indexes: list[str]) -> str:
    for preferred in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        if preferred in indexes:
            return preferred
    if len(indexes) == 1:
        return indexes[0]
    raise InputError(f"{shown_name(path)}: the folder holds {len(indexes)} checkpoint indexes ({', '.join(map(shown_name, indexes[:4]))})",
                     hint="give the index of the model you mean", location=Location(path))


def read_files(path: str, files: list[str]) -> tuple[list[Tensor], list[Diagnostic]]:
    """Every safetensors file of a folder without an index, as one model (a tensor in two files is an error)."""
    tensors: list[Tensor] = []
    warnings: list[Diagnostic] = []
    seen: dict[str, str] = {}
    folder = Path(path).resolve()
    for file in files:
        if not is_inside(Path(os.path.realpath(Path(path) / file)), folder):
            raise InputError(f"'{shown_name(file)}' is a link to a file outside the folder, which paramwise does not follow",
                             hint="copy the file into the folder", location=Location(path))
        found, file_warnings = read_safetensors(str(Path(path) / file))
        for t in found:
            if t.name in seen:
                raise InputError(f"tensor '{shown_name(t.name)}' is in both {shown_name(seen[t.name])} and {shown_name(file)}",
                                 hint="these files are not the shards of one model; give one file", location=Location(path))
            seen[t.name] = file
        tensors.extend(found)
        warnings.extend(file_warnings)
        if len(tensors) > MAX_TENSORS:
            raise LimitError(f"the folder's files hold more than {MAX_TENSORS:,} tensors", location=Location(path))
    tensors.sort(key=lambda t: natural_key(t.name))
    return tensors, warnings


def shard_meta(path: str) -> dict[str, Any]:
    """For a shard with its index beside it: which shard of how many, and what the whole model holds."""
    shard = Path(path).name
    folder = Path(os.path.abspath(path)).parent
    try:
        indexes = [n for n in folder_files(str(folder)) if n.endswith(".safetensors.index.json")]
    except (OSError, LimitError):
        return {}
    for index in indexes[:8]:
        try:
            weight_map = index_map(str(folder / index))
        except InputError:
            continue
        shards = sorted(set(weight_map.values()), key=natural_key)
        if shard not in shards:
            continue
        return whole_model(str(folder / index), shard, shards)
    return {}


def whole_model(index: str, shard: str, shards: list[str]) -> dict[str, Any]:
    tensors, warnings = read_index(index)
    params = sum(values(t.shape) for t in tensors if not t.is_buffer)
    missing = sum(1 for w in warnings if w.code == "missing_shard")
    info = {"file": shard, "number": shards.index(shard) + 1, "of": len(shards), "index": Path(index).name,
            "whole_params": params, "whole_tensors": len(tensors), "missing_shards": missing}
    line = (f"Shard {info['number']} of {info['of']} of {info['index']}: the whole model has {params:,} params in "
            f"{len(tensors):,} tensors{f' ({missing} shards missing)' if missing else ''}")
    return {"shard": info, "notes": [line]}


def open_regular(path: str | Path, what: str = "file") -> IO[bytes]:
    """The file opened for reading, if it is a regular file: opened without blocking (a named pipe would
    wait for a writer), then checked on the open descriptor (no gap between the check and the read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise InputError(f"cannot open this {what} ({e.strerror or type(e).__name__})",
                         location=Location(str(path))) from e
    f = os.fdopen(fd, "rb")
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"this {what} is not a regular file (a pipe, a device or a folder)",
                             hint="give the file itself", location=Location(str(path)))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        f.close()
        raise
    return f


def open_head(path: str) -> bytes:
    with open_regular(path) as f:
        return f.read(16)


def read_header(path: str) -> tuple[dict[str, Any], int]:
    """The JSON header of a safetensors file, and the file's size; reads 8 + header bytes, nothing more."""
    where = Location(path)
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        raw = f.read(8)
        if len(raw) < 8:
            raise InputError(f"too short to be a safetensors file ({size} bytes)", location=where)
        (n,) = struct.unpack("<Q", raw)
        if n > MAX_HEADER or n > size - 8:
            raise InputError(
                f"the safetensors header claims {n:,} bytes but the file has {size:,}",
                hint="the file is damaged or not safetensors", location=where,
            )
        text = f.read(n)
    if len(text) < n:
        raise InputError("the file ended inside the safetensors header (truncated?)", location=where)
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"the safetensors header is not UTF-8 text ({e})", location=where) from e
    header = parse_json(decoded, path, "the file is damaged or not safetensors")
    if not isinstance(header, dict):
        raise InputError("the safetensors header is not a JSON object", location=where)
    return header, size - 8 - n


def read_safetensors(path: str) -> tuple[list[Tensor], list[Diagnostic]]:
    header, data_size = read_header(path)
    if len(header) > MAX_TENSORS:
        raise LimitError(f"the header lists {len(header):,} tensors; paramwise reads at most {MAX_TENSORS:,}",
                         location=Location(path))
    tensors: list[Tensor] = []
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        tensor, stop = header_tensor(path, name, info)
        tensors.append(tensor)
        end = max(end, stop)
    warnings = []
    if end > data_size:
        warnings.append(Diagnostic(
            "truncated", f"{Path(path).name}: the header describes {end:,} bytes of tensor data but the file holds "
            f"{data_size:,}; counts come from the header", Location(path),
            "the file may be an incomplete download; the counts are still those the header declares",
        ))
    return tensors, warnings


def header_tensor(path: str, name: str, info: Any) -> tuple[Tensor, int]:
    """One header entry, checked: a dtype name, a shape of whole numbers >= 0, two data offsets that hold it."""

    def bad(what: str, value: Any = None) -> InputError:
        got = f"; got {shown(value)}" if value is not None else ""
        return InputError(f"header entry '{shown_name(name)}': {what}{got}", hint="the file is damaged or not safetensors",
                          location=Location(path, path=shown_name(name)))

    if not isinstance(info, dict):
        raise bad("must be an object with dtype, shape and data_offsets", info)
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype, str) or not DTYPE_NAME.fullmatch(dtype):
        raise bad("its dtype must be a name such as \"F32\"", dtype)
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
        raise bad("its shape must be a list of whole numbers >= 0", shape)
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
            and 0 <= offsets[0] <= offsets[1] < 2**64):
        raise bad("its data_offsets must be two whole numbers [begin, end] with 0 <= begin <= end", offsets)
    values = 1
    for d in shape:
        values *= d
        if values > MAX_VALUES:
            raise bad(f"its shape holds more than {MAX_VALUES:,} values", shape)
    stored = offsets[1] - offsets[0]
    if dtype in SAFETENSORS_BYTES:
        per = SAFETENSORS_BYTES[dtype]
        if stored != values * per:
            raise bad(f"a {dtype} tensor of shape {shape} takes {values * per:,} bytes but its data_offsets give {stored:,}")
    else:  # a dtype this table does not know: its size per value from the offsets
        per = max(1, -(-stored // max(values, 1)))
    return Tensor(name, tuple(shape), dtype, per), offsets[1]


def values(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def shown(value: Any, keep: int = 60) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= keep else text[: keep - 3] + "..."


def shown_name(name: str, keep: int = 80) -> str:
    return name if len(name) <= keep else f"{name[: keep // 2]}...{name[-(keep // 2 - 3):]}"


def read_index(path: str) -> tuple[list[Tensor], list[Diagnostic]]:
    """A sharded checkpoint: the index names each tensor's shard; each shard's header gives the shapes.
    Shards must lie beside the index (a link may point to the folder the index itself links to, as in the
    Hugging Face cache); nothing outside is opened, and only regular files are read."""
    weight_map = index_map(path)
    tensors: list[Tensor] = []
    warnings: list[Diagnostic] = []
    folders = allowed_folders(path)
    counts = Counter(weight_map.values())
    first = {shard: name for name, shard in reversed(weight_map.items())}
    for shard in counts:
        shard_path = shard_beside(path, shard, first[shard], folders)
        if not os.path.lexists(shard_path):
            warnings.append(Diagnostic("missing_shard", f"shard {shard} is missing: its {counts[shard]} tensors are not counted",
                                       Location(path), "download every shard named in the index"))
            continue
        found, shard_warnings = read_torch(str(shard_path)) if is_torch_file(shard_path) else read_safetensors(str(shard_path))
        tensors.extend(t for t in found if weight_map.get(t.name) == shard)
        warnings.extend(shard_warnings)
    tensors.sort(key=lambda t: natural_key(t.name))
    return tensors, warnings


def index_map(path: str) -> dict[str, str]:
    where = Location(path)
    with open_regular(path, "index") as f:
        raw = f.read(MAX_INDEX_BYTES + 1)
    if len(raw) > MAX_INDEX_BYTES:
        raise LimitError(f"larger than {MAX_INDEX_BYTES // 2**20} MiB, far more than a safetensors index",
                         location=where)
    index = parse_json(raw.decode("utf-8", "replace"), path, "give the model.safetensors.index.json beside the shards")
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise InputError("not a safetensors index (needs a 'weight_map' object of tensor names to shard files)",
                         location=where)
    for name, shard in weight_map.items():
        if not isinstance(shard, str) or not shard:
            raise InputError(f"the shard of tensor '{shown_name(name)}' must be a file name; got {shown(shard)}",
                             location=Location(path, path=f"weight_map.{shown_name(name)}"))
    return weight_map


def allowed_folders(path: str) -> tuple[Path, ...]:
    """The index's folder, and the folder its real file lies in when the index is a link."""
    folder = Path(os.path.abspath(path)).parent
    return tuple(dict.fromkeys((folder.resolve(), Path(os.path.realpath(path)).parent)))


def shard_beside(path: str, shard: str, tensor: str, folders: tuple[Path, ...]) -> Path:
    """The shard's path, if it names a file beside the index; checked before anything is opened or measured."""
    where = Location(path, path=f"weight_map.{shown_name(tensor)}")
    try:
        os.fsencode(shard)
    except UnicodeEncodeError as e:
        raise InputError(f"the index names the shard {shown(shard)}, which is not a file name this system can "
                         f"encode ({e.reason} at character {e.start})",
                         hint="shards are plain file names in the index's folder, e.g. model-00001-of-00002.safetensors",
                         location=where) from e
    relative = Path(shard)
    if "\0" in shard or relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise InputError(f"the index names the shard '{shown_name(shard)}', which is not a file beside the index",
                         hint="shards are plain file names in the index's folder, e.g. model-00001-of-00002.safetensors",
                         location=where)
    shard_path = Path(os.path.abspath(path)).parent / relative
    real = Path(os.path.realpath(shard_path))
    if not any(is_inside(real, folder) for folder in folders):
        raise InputError(f"the shard '{shown_name(shard)}' is a link to a file outside the index's folder, which "
                         "paramwise does not follow", hint="copy the shards beside the index", location=where)
    return shard_path


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


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
