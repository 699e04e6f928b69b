"""Keras 3 `.keras` archives: a zip of config.json, metadata.json and model.weights.h5.

Read with zipfile's directory and json only; the stored weights (if h5py is installed) are counted as a second
check. The archive is treated as hostile: its entry count, every declared size, the compression ratio and the
total inflated bytes are limited, each entry is inflated by a stream that stops at its cap (a bzip2 or deflate
bomb is refused after a few kilobytes, never inflated), encrypted entries are refused, and stored CRCs and sizes
are checked against what comes out.
"""

from __future__ import annotations

import bz2
import io
import struct
import zipfile
import zlib

from ...errors import Diagnostic, InputError, LimitError
from .. import Found, ReadOptions
from .json_text import parse_json
from .keras_h5 import Budget, View, flatten, h5_errors, hard_child, isolated, text_attr, unflatten, visit
from .keras_json import StoredTree, read_config

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

BINARY = True
MAX_ENTRIES = 10_000  # Keras writes three (and one per asset)
MAX_CONFIG_BYTES = 64 * 1024 * 1024  # config.json of a 100,000-layer model is smaller
MAX_INFLATED_BYTES = 1024 * 1024 * 1024  # what all compressed entries together may inflate to
MAX_RATIO = 200  # inflated / compressed: real configs and weights stay far below; deflate bombs reach 1,000
RATIO_FLOOR = 1024 * 1024  # the ratio is only judged past this many inflated bytes
CHUNK = 64 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2"}
REWRITE = "save the model again with model.save('model.keras')"


def sniff(path: str, head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04" and (path.endswith(".keras") or b"config.json" in head)


def read(path: str, data: bytes, options: ReadOptions) -> tuple[list[Found], int]:
    archive = Archive(path, data)
    if "config.json" not in archive.entries:
        raise InputError(f"{path}: this zip has no config.json, so it is not a Keras 3 .keras archive",
                         hint="save the model with model.save('model.keras')")
    config = archive.json("config.json")
    metadata = archive.json("metadata.json") if "metadata.json" in archive.entries else {}
    stored, note = None, None
    if "model.weights.h5" in archive.entries:
        stored, note = stored_weights(archive.weights("model.weights.h5"), f"{path}:model.weights.h5")
    found, chosen = read_config(config, path, options, stored)
    return [with_meta(f, metadata, note) for f in found], chosen


class Archive:
    """A zip read defensively: the directory through zipfile, each entry's bytes by `Archive.inflate`."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path, self.data = path, memoryview(data)
        self.inflated = 0
        count = entry_count(data)
        if count > MAX_ENTRIES:
            raise LimitError(f"{path}: this zip lists {count:,} entries; a .keras archive has a handful "
                             f"(paramwise reads at most {MAX_ENTRIES:,})", hint=REWRITE)
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except Exception as e:  # noqa: BLE001 - zipfile raises many kinds for a damaged directory
            raise self.damaged("its directory cannot be read", e) from e
        if len(infos) > MAX_ENTRIES:
            raise LimitError(f"{path}: this zip lists {len(infos):,} entries (paramwise reads at most {MAX_ENTRIES:,})",
                             hint=REWRITE)
        self.entries = {info.filename: info for info in infos}

    def damaged(self, what: str, error: BaseException | None = None, name: str = "") -> InputError:
        where = f"{self.path}:{name}" if name else self.path
        why = f" ({type(error).__name__}: {str(error)[:200]})" if error is not None else ""
        return InputError(f"{where}: not a readable .keras archive: {what}{why}", hint=REWRITE)

    def json(self, name: str) -> Any:
        blob = self.inflate(name, MAX_CONFIG_BYTES)
        try:
            text = bytes(blob).decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{self.path}: {name} inside the archive is not UTF-8 text ({e})", hint=REWRITE) from e
        return parse_json(text, f"{self.path}:{name}")

    def weights(self, name: str) -> memoryview:
        """The weights file: a stored entry is used in place (no copy, no limit beyond the file's own size)."""
        return self.inflate(name, MAX_INFLATED_BYTES)

    def inflate(self, name: str, cap: int) -> memoryview:
        """The entry's bytes, checked: at most `cap` of them, at most MAX_RATIO times its compressed size,
        exactly its declared size and CRC."""
        info = self.entries[name]
        if info.flag_bits & 0x1:
            raise InputError(f"{self.path}: {name} inside the archive is encrypted, which Keras never does",
                             hint="give the archive model.save() wrote")
        method = ZIP_METHODS.get(info.compress_type)
        if method is None:
            raise self.damaged(f"{name} uses compression method {info.compress_type}, not one Keras archives use "
                               "(stored, deflate or bzip2)", name=name)
        self.check_declared(info, cap, method)
        raw = self.data[self.data_start(info):][: info.compress_size]
        if len(raw) < info.compress_size:
            raise self.damaged(f"{name} claims {info.compress_size:,} bytes but the file ends first (truncated?)", name=name)
        if method == "stored":
            out = raw
        else:
            out = memoryview(self.stream(name, raw, method, min(cap, info.file_size)))
            self.inflated += len(out)
        if len(out) != info.file_size:
            raise self.damaged(f"{name} declares {info.file_size:,} bytes but holds {len(out):,}", name=name)
        # a large stored weights file is used in place and h5py reads only its metadata: its data is not summed
        summed = method != "stored" or len(out) <= MAX_CONFIG_BYTES
        if summed and zlib.crc32(out) != info.CRC:
            raise self.damaged(f"the stored CRC of {name} does not match its content", name=name)
        return out

    def check_declared(self, info: zipfile.ZipInfo, cap: int, method: str) -> None:
        name, size = info.filename, info.file_size
        if method == "stored":
            if info.compress_size != size:
                raise self.damaged(f"{name} is stored uncompressed but declares {info.compress_size:,} bytes "
                                   f"stored for {size:,}", name=name)
            if size <= cap or name == "model.weights.h5":
                return
        if size > RATIO_FLOOR and size > MAX_RATIO * info.compress_size:
            raise LimitError(f"{self.path}: {name} inside the archive would inflate {info.compress_size:,} bytes to "
                             f"{size:,} (a ratio over {MAX_RATIO}): a zip bomb, not a model", hint=REWRITE)
        if size > cap or self.inflated + size > MAX_INFLATED_BYTES:
            raise LimitError(f"{self.path}: {name} inside the archive declares {size:,} bytes once inflated; paramwise "
                             f"inflates at most {MAX_INFLATED_BYTES if name == 'model.weights.h5' else cap:,}", hint=REWRITE)

    def data_start(self, info: zipfile.ZipInfo) -> int:
        """Where the entry's bytes begin: after its local header, whose name and extra field have their own lengths."""
        at = info.header_offset
        head = bytes(self.data[at:at + 30])
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise self.damaged(f"the local header of {info.filename} is missing", name=info.filename)
        name_length, extra_length = struct.unpack("<HH", head[26:30])
        return int(at + 30 + name_length + extra_length)

    def stream(self, name: str, raw: memoryview, method: str, limit: int) -> bytearray:
        """Inflate `raw` in chunks, never producing more than `limit` + 1 bytes or more than MAX_RATIO per byte read."""
        out = bytearray()
        used = 0
        try:
            inflater = Inflater(method)
            while not inflater.eof:
                if inflater.needs_input:
                    if used >= len(raw):
                        break
                    chunk = raw[used:used + CHUNK]
                    used += len(chunk)
                else:
                    chunk = memoryview(b"")
                piece = inflater.inflate(chunk, limit + 1 - len(out))
                if not piece and not chunk and not inflater.eof and not inflater.needs_input:
                    break  # no progress: the stream is damaged (the size check below says so)
                out += piece
                if len(out) > limit:
                    raise self.damaged(f"{name} inflates to more than the {limit:,} bytes it declares", name=name)
                if len(out) > RATIO_FLOOR and len(out) > MAX_RATIO * used:
                    raise LimitError(f"{self.path}: {name} inside the archive inflates {used:,} bytes to over "
                                     f"{len(out):,} (a ratio over {MAX_RATIO}): a zip bomb, not a model", hint=REWRITE)
        except (zlib.error, OSError, ValueError, EOFError) as e:
            raise self.damaged(f"{name} cannot be inflated", e, name) from e
        return out


class Inflater:
    """One interface over zlib's and bz2's streaming decompressors, each bounded by `max_length`."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.zlib = zlib.decompressobj(-15) if method == "deflate" else None
        self.bz2 = bz2.BZ2Decompressor() if method == "bzip2" else None
        self.pending = b""

    @property
    def eof(self) -> bool:
        return self.zlib.eof if self.zlib is not None else bool(self.bz2 and self.bz2.eof)

    @property
    def needs_input(self) -> bool:
        if self.zlib is not None:
            return not self.pending
        return bool(self.bz2 and self.bz2.needs_input)

    def inflate(self, chunk: memoryview, max_length: int) -> bytes:
        if self.zlib is not None:
            data = self.pending + bytes(chunk) if self.pending else bytes(chunk)
            out = self.zlib.decompress(data, max_length)
            self.pending = self.zlib.unconsumed_tail
            return out
        assert self.bz2 is not None
        return self.bz2.decompress(bytes(chunk), max_length)


def entry_count(data: bytes) -> int:
    """The entry count the end-of-directory record declares (0 when there is none: zipfile then says why)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if at < 0 or at + 22 > len(data):
        return 0
    (count,) = struct.unpack("<H", data[at + 10:at + 12])
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack("<Q", data[locator + 8:locator + 16])
        if data[record:record + 4] == b"PK\x06\x06":
            (count,) = struct.unpack("<Q", data[record + 32:record + 40])
    return int(count)


def with_meta(found: Found, metadata: Any, note: Diagnostic | None) -> Found:
    graph = found.graph
    if graph is None:
        return found
    meta = {**graph.meta, "keras_version": metadata.get("keras_version") if isinstance(metadata, dict) else None}
    warnings = graph.warnings + ((note,) if note else ())
    return Found(found.name, type(graph)(graph.framework, graph.name, graph.layers, graph.calls, graph.inputs, graph.outputs,
                                         graph.source, graph.location, warnings, graph.symbols, meta))


def stored_weights(blob: memoryview, where: str) -> tuple[StoredTree | None, Diagnostic | None]:
    """The tensors in model.weights.h5, by layer: `layers/<key>/...`, with the layer's name in `vars`' attrs."""
    try:
        import h5py
    except ImportError:
        return None, Diagnostic("weights_not_read", "the stored weights were not compared with the formulas: h5py is not installed",
                                hint="pip install 'paramwise[h5]'")
    def contents() -> list[Any]:
        with h5_errors(where), h5py.File(View(blob), "r") as f:
            return flatten(layer_tree(f, Budget(where)))

    return unflatten(isolated(contents, where), where), None


def layer_tree(group: Any, budget: Budget) -> StoredTree:
    tensors, _ = visit(group, budget)
    tree = StoredTree(tuple(tensors))
    layers = hard_child(group, "layers")
    if layers is None:
        return tree
    for key in layers.keys():
        budget.spend()
        child = hard_child(layers, key)
        if child is None or not budget.first_visit(child):
            continue
        sub = layer_tree(child, budget)
        tree.children[key] = sub
        vars_group = hard_child(child, "vars")
        name = text_attr(vars_group, "name") if vars_group is not None else None
        if name is not None:
            tree.children.setdefault(name, sub)
    return tree
