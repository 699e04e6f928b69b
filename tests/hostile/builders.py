"""Byte-level builders for hostile files: zip archives written field by field (so CRCs, sizes and flags can
lie), compression bombs made from repeated compressed blocks (kilobytes that inflate to gigabytes, built in
milliseconds), safetensors headers, HDF5 files (h5py) and pickles written opcode by opcode."""

from __future__ import annotations

import bz2
import functools
import io
import json
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# -- zip ---------------------------------------------------------------------------------------------

STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14


@dataclass
class Entry:
    """One zip member as written: `data` is the stored (compressed) bytes; every field may lie."""

    name: bytes
    data: bytes
    method: int = STORED
    crc: int = 0
    usize: int = 0  # uncompressed size declared in both headers
    csize: int | None = None  # compressed size declared; None: the real one
    flags: int = 0
    external_attr: int = 0
    local_usize: int | None = None  # a local header that disagrees with the central directory
    made_by: int = 20


def entry(name: str | bytes, raw: bytes, method: int = DEFLATED) -> Entry:
    """An honest member: `raw` compressed with `method`."""
    if method == DEFLATED:
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = co.compress(raw) + co.flush()
    elif method == BZIP2:
        data = bz2.compress(raw)
    else:
        data = raw
    return Entry(name.encode() if isinstance(name, str) else name, data, method, zlib.crc32(raw), len(raw))


def zip_bytes(entries: Iterable[Entry], comment: bytes = b"", count: int | None = None,
              cd_offset_delta: int = 0) -> bytes:
    """A zip file: local headers, the central directory and its end record, exactly as the entries say."""
    out = io.BytesIO()
    central = io.BytesIO()
    items = list(entries)
    for e in items:
        offset = out.tell()
        csize = len(e.data) if e.csize is None else e.csize
        local_usize = e.usize if e.local_usize is None else e.local_usize
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21, e.crc & 0xFFFFFFFF,
                              csize & 0xFFFFFFFF, local_usize & 0xFFFFFFFF, len(e.name), 0))
        out.write(e.name)
        out.write(e.data)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", e.made_by, 20, e.flags, e.method, 0, 0x21,
                                  e.crc & 0xFFFFFFFF, csize & 0xFFFFFFFF, e.usize & 0xFFFFFFFF, len(e.name), 0, 0, 0,
                                  0, e.external_attr, offset))
        central.write(e.name)
    cd = central.getvalue()
    cd_offset = out.tell()
    out.write(cd)
    n = len(items) if count is None else count
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n & 0xFFFF, n & 0xFFFF, len(cd),
                          (cd_offset + cd_offset_delta) & 0xFFFFFFFF, len(comment)))
    out.write(comment)
    return out.getvalue()


def honest_zip(members: dict[str, bytes], method: int = DEFLATED) -> bytes:
    return zip_bytes(entry(name, raw, method) for name, raw in members.items())


# -- compression bombs -------------------------------------------------------------------------------


def _gf2_times(mat: list[int], vec: int) -> int:
    total, i = 0, 0
    while vec:
        if vec & 1:
            total ^= mat[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def _crc_doubling(unit_crc: int, unit_len: int, times: int) -> int:
    result, result_len = None, 0
    block, block_len = unit_crc, unit_len
    while times:
        if times & 1:
            result = block if result is None else crc32_combine(result, block, block_len)
            result_len += block_len
        times >>= 1
        if times:
            block = crc32_combine(block, block, block_len)
            block_len *= 2
    assert result is not None
    return result


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's algorithm)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << (i - 1) for i in range(1, 32)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


MIB = 1 << 20


def deflate_repeated(byte: bytes, mib: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of `mib` MiB of `byte`: one fully flushed block repeated (each is independent
    after Z_FULL_FLUSH), then an empty final block. Returns (stream, crc, size)."""
    unit = byte * MIB
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return block * mib + final, _crc_doubling(zlib.crc32(unit), MIB, mib), mib * MIB


BZ_BLOCK_MAGIC, BZ_END_MAGIC = 0x314159265359, 0x177245385090
BZ_UNIT = 45_000_000  # zeros one bzip2 block holds (run-length coded before the block limit)
# bz2.compress(bytes(BZ_UNIT), 9), kept as bytes: compressing 45 MB takes seconds, this takes none
BZ_ONE_BLOCK = bytes.fromhex("425a6839314159265359c901b6c80158ab4020c00010000008200030cc0529a65248526c"
                             "5492149e2ee48a70a12192036d90")


@functools.lru_cache(maxsize=1)
def _bzip2_block() -> tuple[int, int, int]:
    """One bzip2 block of BZ_UNIT zeros, as (bits, bit length, block CRC)."""
    stream = BZ_ONE_BLOCK
    bits, total = int.from_bytes(stream, "big"), len(stream) * 8
    for pad in range(8):
        end = total - pad - 80  # bit where the end-of-stream magic starts
        if (bits >> (total - end - 48)) & ((1 << 48) - 1) == BZ_END_MAGIC:
            break
    else:
        raise AssertionError("no bzip2 end-of-stream marker")
    length = end - 32
    block = (bits >> (total - end)) & ((1 << length) - 1)
    block_crc = (block >> (length - 80)) & 0xFFFFFFFF
    return block, length, block_crc


def bzip2_zeros(blocks: int) -> tuple[bytes, int, int]:
    """One bzip2 stream of `blocks` identical blocks of zeros (each block is bit-aligned, so they are
    joined as bits); its combined CRC is recomputed. Returns (stream, zip CRC-32, size)."""
    block, length, block_crc = _bzip2_block()
    acc, combined = int.from_bytes(b"BZh9", "big"), 0
    parts = [block] * blocks
    for part in parts:
        acc = (acc << length) | part
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ block_crc
    acc = (acc << 48) | BZ_END_MAGIC
    acc = (acc << 32) | combined
    nbits = 32 + length * blocks + 80
    pad = -nbits % 8
    acc <<= pad
    size = BZ_UNIT * blocks
    return acc.to_bytes((nbits + pad) // 8, "big"), crc_of_zeros(size), size


def crc_of_zeros(n: int) -> int:
    """zlib.crc32(bytes(n)) for any n, from whole MiB blocks combined by doubling."""
    crc = zlib.crc32(bytes(n % MIB))
    if n >= MIB:
        crc = crc32_combine(_crc_doubling(zlib.crc32(bytes(MIB)), MIB, n // MIB), crc, n % MIB)
    return crc


# -- safetensors ---------------------------------------------------------------------------------------


def safetensors_bytes(header: Any, data: bytes = b"", raw_header: bytes | None = None,
                      declared: int | None = None) -> bytes:
    """8-byte little-endian header length, the JSON header, then the data; the length may lie."""
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    n = len(text) if declared is None else declared
    return struct.pack("<Q", n & 0xFFFFFFFFFFFFFFFF) + text + data


def tensors_header(names: Iterable[str], shape: list[int] | None = None, dtype: str = "F32") -> dict[str, Any]:
    """A consistent header: each tensor of `shape` (default [2, 3]) laid end to end."""
    shape = shape or [2, 3]
    n = 4
    for d in shape:
        n *= d
    header: dict[str, Any] = {}
    offset = 0
    for name in names:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    return header


def safetensors_file(names: Iterable[str], shape: list[int] | None = None) -> bytes:
    header = tensors_header(names, shape)
    end = max((v["data_offsets"][1] for v in header.values()), default=0)
    return safetensors_bytes(header, bytes(end))


# -- HDF5 (h5py, imported when a case needs it) ----------------------------------------------------------


def h5_bytes(fill: Callable[[Any], None]) -> bytes:
    """An HDF5 file made in memory by `fill(file)`."""
    import h5py

    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        fill(f)
    return bio.getvalue()


def legacy_h5_model(config: Any, extra: Callable[[Any], None] | None = None) -> bytes:
    """A `model.save("model.h5")` file: the configuration in the `model_config` attribute."""

    def fill(f: Any) -> None:
        f.attrs["model_config"] = config if isinstance(config, (str, bytes)) else json.dumps(config)
        f.attrs["keras_version"] = "3.5.0"
        f.attrs["backend"] = "torch"
        f.create_group("model_weights")
        if extra:
            extra(f)

    return h5_bytes(fill)


def weights_h5(fill: Callable[[Any], None] | None = None) -> bytes:
    """A `.keras` archive's model.weights.h5: `layers/<name>/vars/<i>`."""

    def default(f: Any) -> None:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=[[0.0] * 3] * 4)
        g.create_dataset("1", data=[0.0] * 3)

    return h5_bytes(fill or default)


# -- pickles -----------------------------------------------------------------------------------------


def pickle_call(module: str, name: str, *args: str) -> bytes:
    """A protocol-0 pickle that calls module.name(*args) when loaded by a plain unpickler."""
    body = b"".join(b"S" + repr(a).encode() + b"\n" for a in args)
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n(" + body + b"tR."


def torch_zip(data_pkl: bytes, extra: dict[str, bytes] | None = None, folder: str = "archive") -> bytes:
    """The zip layout torch.save writes: <folder>/data.pkl, version and byteorder records (stored)."""
    members = {f"{folder}/data.pkl": data_pkl, f"{folder}/byteorder": b"little", f"{folder}/version": b"3\n",
               **(extra or {})}
    return zip_bytes(entry(name, raw, STORED) for name, raw in members.items())


def nested_dict_pickle(depth: int) -> bytes:
    """{'a': {'a': ... {}}} `depth` deep, as opcodes (the unpickler builds it without recursion)."""
    out = io.BytesIO()
    out.write(b"\x80\x02")
    for _ in range(depth):
        out.write(b"}X\x01\x00\x00\x00a")
    out.write(b"}")
    out.write(b"s" * depth)
    out.write(b".")
    return out.getvalue()


def shared_children_pickle(levels: int) -> bytes:
    """d = {}; then `levels` times d = {'a': d, 'b': d}: 2**levels paths through a few hundred bytes (memo)."""

    def put(i: int) -> bytes:
        return b"q" + bytes([i]) if i < 256 else b"r" + struct.pack("<I", i)

    def get(i: int) -> bytes:
        return b"h" + bytes([i]) if i < 256 else b"j" + struct.pack("<I", i)

    out = io.BytesIO()
    out.write(b"\x80\x02}" + put(0))
    for i in range(levels):
        out.write(b"0}" + put(i + 1) + b"(X\x01\x00\x00\x00a" + get(i) + b"X\x01\x00\x00\x00b" + get(i) + b"u")
    out.write(b".")
    return out.getvalue()
