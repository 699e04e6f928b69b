"""GGUF files (llama.cpp), read from the header alone: the file is memory-mapped and only the metadata and
tensor descriptions are parsed, so a 100 GB model answers at once. Tensor data is never read.

The documented layout (ggml docs/gguf.md): magic `GGUF`, version (2 or 3), tensor count, metadata count, the
metadata (key, value type, value; arrays of any type), then per tensor its name, dims (ggml order: dims[0] is
the length of a row), ggml type and data offset. A quantized type stores `block_size` values in `type_size`
bytes (Q4_K: 256 values in 144 bytes = 4.5 bits per weight); the logical count is the product of the dims.

Every count in the header is checked against the bytes that are left before anything is allocated, and the
values walked (strings in the tokenizer arrays) are capped, so a lying header ends with a clear error."""

from __future__ import annotations

import math
import mmap
import os
import struct
from collections import Counter
from pathlib import Path
from typing import Any

from ...collect import paused as gc_paused
from ...errors import Diagnostic, InputError, LimitError, Location
from ...frozen import replace
from .. import Found, ReadOptions
from .checkpoint import open_regular
from .module_tree import Tensor, build_tree, natural_key

READS_PATH = True
MAGIC = b"GGUF"
MAX_TENSORS = 1_000_000
MAX_KEYS = 1_000_000
MAX_WALKED = 20_000_000  # array items walked one by one (strings, nested arrays); real vocabularies hold ~300,000
MAX_DEPTH = 4  # arrays of arrays
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_SHOWN_STRING = 200
DEFAULT_ALIGNMENT = 32
# ggml type id -> (name, values per block, bytes per block); from ggml.h / gguf-py's GGML_QUANT_SIZES
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40), 10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110), 22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
}
# metadata value type id -> struct code (8: string, 9: array)
SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def sniff(path: str, head: bytes) -> bool:
    return head[:4] == MAGIC or path.endswith(".gguf")


def read_file(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    with gc_paused(), open_regular(path, "GGUF file") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 24:
            raise InputError(f"too short to be a GGUF file ({size} bytes)", location=Location(path))
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            header = Header(data, path)
            metadata, infos = header.parse()
    name = Path(path).name
    return [Found(name, gguf_graph(path, name, metadata, infos, size - header.data_start(metadata)))], 0


class Header:
    """A cursor over the mapped file that checks every length against what is left."""

    def __init__(self, data: Any, path: str) -> None:
        self.data, self.path, self.at, self.walked = data, path, 0, 0
        self.size = len(data)
        self.order = "<"

    def fail(self, what: str) -> InputError:
        return InputError(f"{what} (at byte {self.at:,} of {self.size:,})", hint="the file is damaged, truncated or not GGUF",
                          location=Location(self.path))

    def take(self, code: str) -> Any:
        width = struct.calcsize(self.order + code)
        if self.at + width > self.size:
            raise self.fail("the file ends inside the GGUF header")
        (value,) = struct.unpack_from(self.order + code, self.data, self.at)
        self.at += width
        return value

    def string(self, keep: bool = True) -> str:
        n = self.take("Q")
        if n > self.size - self.at:
            raise self.fail(f"a string claims {n:,} bytes but the file has {self.size - self.at:,} left")
        raw = bytes(self.data[self.at:self.at + min(n, 4096)]) if keep else b""
        self.at += n
        return raw.decode("utf-8", "replace")

    def parse(self) -> tuple[dict[str, Any], list[tuple[str, tuple[int, ...], int, int]]]:
        if bytes(self.data[:4]) != MAGIC:
            raise self.fail("not a GGUF file (it does not start with GGUF)")
        self.at = 4
        version = self.take("I")
        if version > 0xFFFF:  # a big-endian file
            self.order, self.at = ">", 4
            version = self.take("I")
        if version not in (2, 3):
            raise self.fail(f"GGUF version {version} is not one paramwise reads (2 and 3)")
        n_tensors, n_keys = self.take("Q"), self.take("Q")
        if n_tensors > MAX_TENSORS or n_keys > MAX_KEYS:
            raise LimitError(f"the GGUF header claims {n_tensors:,} tensors and {n_keys:,} metadata keys; paramwise reads at "
                             f"most {MAX_TENSORS:,} and {MAX_KEYS:,}", location=Location(self.path))
        metadata: dict[str, Any] = {"GGUF.version": version}
        for _ in range(n_keys):
            key = self.string()
            metadata[key] = self.value(self.take("I"), 0)
        infos = [self.tensor_info() for _ in range(n_tensors)]
        metadata["GGUF.header_end"] = self.at
        return metadata, infos

    def value(self, kind: int, depth: int) -> Any:
        if kind in SCALARS:
            value = self.take(SCALARS[kind])
            return value if not isinstance(value, float) or math.isfinite(value) else str(value)  # JSON has no NaN
        if kind == 8:
            text = self.string()
            return text if len(text) <= MAX_SHOWN_STRING else text[:MAX_SHOWN_STRING] + "..."
        if kind != 9 or depth >= MAX_DEPTH:
            raise self.fail(f"unknown metadata value type {kind}" if kind != 9 else "arrays nested too deep")
        item, count = self.take("I"), self.take("Q")
        if item in SCALARS:
            width = struct.calcsize(self.order + SCALARS[item])
            if count > (self.size - self.at) // width:
                raise self.fail(f"an array claims {count:,} values but the file has {self.size - self.at:,} bytes left")
            first = [self.take(SCALARS[item]) for _ in range(min(count, 8))]
            self.at += (count - len(first)) * width
            return Array(count, first)
        if count > (self.size - self.at) // 8:  # strings and arrays take at least 8 bytes each
            raise self.fail(f"an array claims {count:,} items but the file has {self.size - self.at:,} bytes left")
        self.walked += count
        if self.walked > MAX_WALKED:
            raise LimitError(f"the GGUF metadata holds more than {MAX_WALKED:,} strings or arrays", location=Location(self.path))
        first = [self.value(item, depth + 1) for _ in range(min(count, 8))]
        if item == 8:
            self.skip_strings(count - len(first))
        else:
            for _ in range(count - len(first)):
                self.skip(item, depth + 1)
        return Array(count, first)

    def skip_strings(self, count: int) -> None:
        """A vocabulary's strings (hundreds of thousands): lengths only, nothing decoded."""
        length = struct.Struct(self.order + "Q")
        at, data, size = self.at, self.data, self.size
        for _ in range(count):
            if at + 8 > size:
                self.at = at
                raise self.fail("the file ends inside a string array")
            at += 8 + length.unpack_from(data, at)[0]
        if at > size:
            raise self.fail("a string array runs past the end of the file")
        self.at = at

    def skip(self, kind: int, depth: int) -> None:
        if kind == 8:
            self.string(keep=False)
        else:
            self.value(kind, depth)

    def tensor_info(self) -> tuple[str, tuple[int, ...], int, int]:
        name = self.string()
        n_dims = self.take("I")
        if n_dims > MAX_DIMS:
            raise self.fail(f"tensor '{name[:80]}' claims {n_dims} dims; GGUF tensors have at most {MAX_DIMS}")
        dims = tuple(self.take("Q") for _ in range(n_dims))
        return name, dims, self.take("I"), self.take("Q")

    def data_start(self, metadata: dict[str, Any]) -> int:
        align = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
        align = align if type(align) is int and 0 < align <= 1 << 20 else DEFAULT_ALIGNMENT
        end: int = metadata["GGUF.header_end"]
        return -(-end // align) * align


class Array(list[Any]):
    """A metadata array: its first items, and how many it holds."""

    def __init__(self, count: int, first: list[Any]) -> None:
        super().__init__(first)
        self.total = count


def ggml_types() -> dict[int, tuple[str, int, int]]:
    """The built-in table, extended by the gguf package's when it is installed (newer types)."""
    table = dict(GGML_TYPES)
    try:
        from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType
    except ImportError:
        return table
    for t in GGMLQuantizationType:
        if t.value not in table and t in GGML_QUANT_SIZES:
            block, size = GGML_QUANT_SIZES[t]
            table[t.value] = (t.name, block, size)
    return table


def gguf_graph(path: str, name: str, metadata: dict[str, Any], infos: list[tuple[str, tuple[int, ...], int, int]],
               data_size: int) -> Any:
    types = ggml_types()
    tensors: list[Tensor] = []
    per_type: dict[str, dict[str, int]] = {}
    stored_bytes, end = 0, 0
    seen: set[str] = set()
    for tname, dims, kind, offset in infos:
        where = Location(path, path=tname[:80])
        if kind not in types:
            raise InputError(f"tensor '{tname[:80]}' has ggml type {kind}, which paramwise does not know",
                             hint="pip install -U gguf (newer types come with it), or the file is damaged", location=where)
        if tname in seen:
            raise InputError(f"tensor '{tname[:80]}' is described twice", hint="the file is damaged", location=where)
        seen.add(tname)
        type_name, block, type_size = types[kind]
        count = 1
        for d in dims:
            count *= d
        if dims and dims[0] % block:
            raise InputError(f"tensor '{tname[:80]}' is {type_name} ({block} values per block) but its rows hold {dims[0]:,}",
                             hint="the file is damaged", location=where)
        nbytes = count // block * type_size
        stored_bytes += nbytes
        end = max(end, offset + nbytes)
        entry = per_type.setdefault(type_name, {"count": 0, "bytes": 0})
        entry["count"] += count
        entry["bytes"] += nbytes
        shape = tuple(reversed(dims))  # rows first, as PyTorch shows a weight
        tensors.append(Tensor(tname, shape, type_name, max(1, -(-nbytes // max(count, 1)))))
    if not tensors:
        raise InputError(f"{name}: the GGUF file holds no tensors", hint="is this a model, or a vocabulary-only file?",
                         location=Location(path))
    warnings = []
    if end > data_size:
        warnings.append(Diagnostic("truncated", f"{name}: the header describes {end:,} bytes of tensor data but the file holds "
                                   f"{data_size:,}; counts come from the header", Location(path),
                                   "the file may be an incomplete download; the counts are still those the header declares"))
    tensors.sort(key=lambda t: natural_key(t.name))
    logical = sum(e["count"] for e in per_type.values())
    storage = storage_of(metadata, per_type, logical, stored_bytes)
    meta = {"model_type": f"GGUF ({storage['architecture'] or 'unknown architecture'})", "storage": storage,
            "stored_bytes": stored_bytes, "notes": notes(storage, blocks(tensors))}
    graph = build_tree(tensors, name, path, meta)
    return replace(graph, warnings=tuple(warnings), meta={**graph.meta, "dtypes": per_type})


HYPER = ("context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count",
         "attention.head_count_kv", "attention.key_length", "attention.value_length", "expert_count", "expert_used_count",
         "expert_shared_count", "vocab_size", "rope.dimension_count", "rope.freq_base", "attention.layer_norm_rms_epsilon")


def storage_of(metadata: dict[str, Any], per_type: dict[str, dict[str, int]], logical: int, stored_bytes: int) -> dict[str, Any]:
    arch = metadata.get("general.architecture")
    arch = arch if isinstance(arch, str) else ""
    hyper = {key: metadata[f"{arch}.{key}"] for key in HYPER if f"{arch}.{key}" in metadata and not isinstance(metadata[f"{arch}.{key}"], list)}
    tokens = metadata.get("tokenizer.ggml.tokens")
    if isinstance(tokens, Array):
        hyper.setdefault("vocab_size", tokens.total)
    general = {k.removeprefix("general."): v for k, v in metadata.items()
               if k.startswith("general.") and not isinstance(v, list) and k != "general.alignment"}
    policies = [{"policy": f"ggml {t}", "logical_params": e["count"], "stored_bytes": e["bytes"],
                 "bits_per_weight": round(8 * e["bytes"] / e["count"], 3) if e["count"] else None}
                for t, e in sorted(per_type.items(), key=lambda kv: -kv[1]["bytes"])]
    return {"format": f"GGUF v{metadata['GGUF.version']}", "architecture": arch, "general": general, "hyperparameters": hyper,
            "logical_params": logical, "stored_bytes": stored_bytes,
            "bits_per_weight": round(8 * stored_bytes / logical, 3) if logical else None, "policies": policies}


def blocks(tensors: list[Tensor]) -> str:
    """`blk.0-31 (×32)` with what one block holds, when every block holds the same tensors (else "")."""
    per_block: dict[str, list[tuple[str, tuple[int, ...], str]]] = {}
    for t in tensors:
        parts = t.name.split(".", 2)
        if len(parts) == 3 and parts[0] == "blk" and parts[1].isdigit():
            per_block.setdefault(parts[1], []).append((parts[2], t.shape, t.dtype))
    if len(per_block) < 2 or len(Counter(tuple(v) for v in per_block.values())) != 1:
        return ""
    numbers = sorted(int(k) for k in per_block)
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return ""
    one = sum(_values(shape) for _, shape, _ in next(iter(per_block.values())))
    return f"blk.{numbers[0]}-{numbers[-1]} (×{len(numbers)}): {one:,} params each, {one * len(numbers):,} in all"


def _values(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def notes(storage: dict[str, Any], block_line: str) -> list[str]:
    general = storage["general"]
    title = " ".join(str(general[k]) for k in ("name", "size_label") if k in general)
    lines = [f"{storage['format']}: {storage['architecture'] or 'architecture not given'}" + (f" ({title})" if title else "")]
    parts = [f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}"
             for k, v in storage["hyperparameters"].items()]
    line = ""
    for part in parts:  # lines of about 100 characters
        if line and len(line) + len(part) > 100:
            lines.append("  " + line.rstrip(", "))
            line = ""
        line += part + ", "
    if line:
        lines.append("  " + line.rstrip(", "))
    if block_line:
        lines.append("  " + block_line)
    lines.append(f"  {storage['logical_params']:,} logical params in {storage['stored_bytes']:,} bytes = "
                 f"{storage['bits_per_weight']} bits per weight")
    width = max(len(p["policy"]) for p in storage["policies"])
    for p in storage["policies"]:
        lines.append(f"    {p['policy']:<{width}}  {p['logical_params']:>16,} params  {p['stored_bytes']:>16,} bytes  "
                     f"{p['bits_per_weight']} bits/weight")
    return lines
