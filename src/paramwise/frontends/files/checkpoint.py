"""Checkpoints, read without running anything: safetensors from the header alone (8-byte little-endian length,
then JSON; tensor data is never read), sharded `*.safetensors.index.json` and `pytorch_model.bin.index.json`
(each shard's header), a folder of shards (its index, or every safetensors file in it), and PyTorch
`.pt/.pth/.bin` state dicts (state_dict.py: `torch.load(weights_only=True)` only). Rows follow the module tree
of the dotted tensor names; a packed or quantized layout is counted as the model it packs (quantized.py). A
shard read alone says which shard of how many it is and what the whole model holds, when its index is beside it.

Every file is hostile until checked: headers are validated entry by entry, only regular files are opened
(a named pipe never blocks the read), and an index's shards and a folder's files must lie in that folder."""

from __future__ import annotations

import json
import os
import re
import stat
import struct
from collections import Counter
from pathlib import Path

from ...collect import paused as gc_paused
from ...errors import Diagnostic, InputError, LimitError, Location
from ...frozen import replace
from ...ir import Graph
from .. import Found, ReadOptions
from .json_text import parse_json
from .module_tree import Tensor, build_tree, dtypes, natural_key

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import IO, Any

READS_PATH = True
MAX_HEADER = 100 * 1024 * 1024  # the safetensors format's own limit
MAX_INDEX_BYTES = 64 * 1024 * 1024
MAX_TENSORS = 1_000_000  # the largest real checkpoints hold ~100,000
MAX_VALUES = 2**63  # values in one tensor
SAFETENSORS_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
                     "BOOL": 1, "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
                     "C64": 8}
# A dtype this table does not know (a newer format's F4, F6_E2M3 ...) is read with its size from the offsets, if it
# is spelled as the format spells dtypes; anything else in that field is an error, never shown as a dtype.
DTYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
TORCH_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt")


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
        from .state_dict import read_torch

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
    from .quantized import read_quantized

    tensors, warnings = read_index(index)
    packed = read_quantized(tensors, index)  # a packed model's whole: its logical count
    params = sum(values(t.shape) for t in (packed[0] if packed else tensors) if not t.is_buffer)
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
    """One header entry, checked: a dtype name, a shape of whole numbers >= 0, two data offsets that hold it.
    One pass over each part, no call per value: a header can list 100,000 entries."""
    if not isinstance(info, dict):
        raise bad_entry(path, name, "must be an object with dtype, shape and data_offsets", info)
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype, str) or (dtype not in SAFETENSORS_BYTES and not DTYPE_NAME.fullmatch(dtype)):
        raise bad_entry(path, name, "its dtype must be a name such as \"F32\"", dtype)
    if not isinstance(shape, list):
        raise bad_entry(path, name, "its shape must be a list of whole numbers >= 0", shape)
    values, too_many = 1, False
    for d in shape:
        if type(d) is not int or d < 0:
            raise bad_entry(path, name, "its shape must be a list of whole numbers >= 0", shape)
        if not too_many:  # stop multiplying once past the limit (a shape of 10**30s would grow a huge int)
            values *= d
            too_many = values > MAX_VALUES
    if not (isinstance(offsets, list) and len(offsets) == 2 and type(offsets[0]) is int and type(offsets[1]) is int
            and 0 <= offsets[0] <= offsets[1] < 2**64):
        raise bad_entry(path, name, "its data_offsets must be two whole numbers [begin, end] with 0 <= begin <= end", offsets)
    if too_many:
        raise bad_entry(path, name, f"its shape holds more than {MAX_VALUES:,} values", shape)
    stored = offsets[1] - offsets[0]
    per = SAFETENSORS_BYTES.get(dtype)
    if per is not None:
        if stored != values * per:
            raise bad_entry(path, name, f"a {dtype} tensor of shape {shape} takes {values * per:,} bytes but its "
                            f"data_offsets give {stored:,}")
    else:  # a dtype this table does not know: its size per value from the offsets
        per = max(1, -(-stored // max(values, 1)))
    return Tensor(name, tuple(shape), dtype, per), offsets[1]


def bad_entry(path: str, name: str, what: str, value: Any = None) -> InputError:
    got = f"; got {shown(value)}" if value is not None else ""
    return InputError(f"header entry '{shown_name(name)}': {what}{got}", hint="the file is damaged or not safetensors",
                      location=Location(path, path=shown_name(name)))


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
        if is_torch_file(shard_path):
            from .state_dict import read_torch

            found, shard_warnings = read_torch(str(shard_path))
        else:
            found, shard_warnings = read_safetensors(str(shard_path))
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
    if len(relative.parts) == 1 and not os.path.islink(shard_path):
        return shard_path  # a plain name, not a link: it lies in the index's own folder (folders[0] is its real path)
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
