"""The readers under fuzz, how each makes one mutated input, and the loop that runs them and keeps the
findings (deduplicated by exception type and innermost frame)."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import pickle
import random
import re
import shutil
import struct
import sys
import traceback
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import mutators as m
from .oracle import Outcome, alarm, run_call, run_cli
from .seeds import FileSeed, checkpoint_seeds, format_seeds, hf_seeds, keras_seeds, source_seeds
from .values import NAMES, SOURCE_NUMBERS, Context


@dataclass
class Prepared:
    """One mutated input: a CLI command line (or a call, for live objects), the files it uses, and notes."""

    argv: list[str] | None = None
    call: Callable[[], int] | None = None
    files: list[str] = field(default_factory=list)
    note: str = ""
    cleanup: Callable[[], None] | None = None
    original: str = ""  # the seed's text, where the input is text (a diff goes with a finding)


@dataclass
class Finding:
    key: str
    kind: str
    reader: str
    index: int
    count: int
    outcome: Outcome
    note: str
    folder: str = ""


@dataclass
class Stats:
    reader: str
    runs: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    hangs: int = 0
    canary: int = 0
    leaks: int = 0
    seconds: float = 0.0
    slowest: tuple[float, int] = (0.0, -1)
    rerun: int = 0  # runs over the limit on the wall clock with under half of it on the CPU: run once more
    findings: dict[str, Finding] = field(default_factory=dict)

    def add(self, index: int, outcome: Outcome) -> None:
        self.codes[outcome.code] += 1
        if outcome.code in ("skipped", "harness"):
            return
        self.runs += 1
        self.seconds += outcome.seconds
        self.slowest = max(self.slowest, (outcome.seconds, index))
        self.crashes += outcome.crashed
        self.hangs += outcome.code == "hang"
        self.canary += outcome.canary
        self.leaks += outcome.leak

    def to_json(self) -> dict[str, Any]:
        return {
            "reader": self.reader, "runs": self.runs, "codes": dict(sorted(self.codes.items())),
            "crashes": self.crashes, "hangs": self.hangs, "canary": self.canary, "leaks": self.leaks,
            "seconds": round(self.seconds, 2), "slowest": [round(self.slowest[0], 3), self.slowest[1]],
            "rerun": self.rerun,
            "findings": [{"key": f.key, "kind": f.kind, "count": f.count, "index": f.index, "note": f.note,
                          "exception": f.outcome.exc_type, "last_frame": f.outcome.last_frame,
                          "paramwise_frame": f.outcome.paramwise_frame, "folder": f.folder,
                          "message": message(f.outcome.stderr)}
                         for f in self.findings.values()],
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add the figures of a stats JSON (from a worker process)."""
        self.runs += data["runs"]
        self.codes.update(data["codes"])
        for k in ("crashes", "hangs", "canary", "leaks", "seconds"):
            setattr(self, k, getattr(self, k) + data[k])
        self.rerun += data.get("rerun", 0)
        self.slowest = max(self.slowest, tuple(data["slowest"]))  # type: ignore[arg-type]
        for f in data["findings"]:
            if f["key"] in self.findings:
                self.findings[f["key"]].count += f["count"]
            else:
                o = Outcome("?", 0.0, f["exception"], f["last_frame"], f["paramwise_frame"])
                o.stderr = "\n".join(f["message"])
                self.findings[f["key"]] = Finding(f["key"], f["kind"], self.reader, f["index"], f["count"], o,
                                                  f["note"], f["folder"])


def message(stderr: str) -> list[str]:
    """The line that says what went wrong: the internal error, else the last line."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    internal = [line for line in lines if line.startswith("internal error:")]
    return (internal or lines)[-1:]


# -- inputs, per reader ------------------------------------------------------------------------------


class Workspace:
    """Where inputs are written (one file or folder per run, removed after it) and seeds are kept."""

    def __init__(self, folder: str, ctx: Context) -> None:
        self.folder = folder
        self.ctx = ctx
        os.makedirs(folder, exist_ok=True)

    def write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def remover(self, *paths: str) -> Callable[[], None]:
        def remove() -> None:
            for p in paths:
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p, ignore_errors=True)
                elif os.path.lexists(p):
                    os.remove(p)
        return remove


def source_options(rng: random.Random, text: str, framework: str, shape: tuple[int, ...] | None) -> list[str]:
    """Command-line options a user might add, sometimes with odd values."""
    argv: list[str] = []
    if rng.random() < 0.12:
        names = sorted(set(m.IDENT.findall(text))) or ["x"]
        argv += ["--set", f"{rng.choice(names)}={rng.choice(SOURCE_NUMBERS + ['32', '-3', 'abc', ''])}"]
    if framework == "torch" and shape is not None and rng.random() < 0.6:
        dims = [str(d) for d in shape]
        if rng.random() < 0.3:
            dims[rng.randrange(len(dims))] = rng.choice(["0", "-1", "10**30", "3.5", "abc", "None", "", "99999999999"])
        if rng.random() < 0.1:
            dims = dims[: rng.randrange(len(dims) + 1)] if rng.random() < 0.5 else dims + ["2"]
        argv += ["--input-shape", ",".join(dims)]
    if framework == "torch" and rng.random() < 0.08:
        classes = re.findall(r"^class (\w+)", text, re.M) or ["Net"]
        argv += ["--class", rng.choice(classes), "--args", rng.choice(["", "0", "-1", "10**30", "3.5", "x=1", "abc",
                                                                        "1,2,3", "depth=10**12", "None"])]
    r = rng.random()
    if r < 0.06:
        argv += ["--format", rng.choice(["json", "markdown"])]
    elif r < 0.09:
        argv += ["--explain"]
    elif r < 0.11:
        argv += ["--list"]
    elif r < 0.13:
        argv += ["--expand"]
    elif r < 0.14:
        argv += ["--as", "torch" if framework == "keras" else "keras"]
    elif r < 0.15:
        argv += ["--symbolic"]
    return argv


def source_input(framework: str) -> Callable[[random.Random, Workspace, int], Prepared]:
    def make(rng: random.Random, ws: Workspace, index: int) -> Prepared:
        seeds = source_seeds(framework)
        seed = rng.choice(seeds)
        others = [s.text for s in rng.sample(seeds, min(3, len(seeds)))]
        text = m.mutate_source(rng, seed.text, ws.ctx, others)
        path = ws.write(f"in{index}{seed.suffix}", m.encode(text))
        argv = [path, *source_options(rng, text, framework, seed.input_shape)]
        return Prepared(argv=argv, files=[path], note=seed.name, cleanup=ws.remover(path), original=seed.text)
    return make


def keras_json_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    seed = rng.choice(keras_seeds(os.path.join(ws.folder, "seeds"))["json"])
    text = m.mutate_json_text(rng, seed.data.decode(), ws.ctx, [])
    if rng.random() < 0.03:
        text = "\ufeff" + text  # a byte order mark
    path = ws.write(f"in{index}.json", m.encode(text))
    return Prepared(argv=[path], files=[path], note=seed.name, cleanup=ws.remover(path), original=seed.data.decode())


def hf_config_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    """A Hugging Face config.json with its JSON mutated (sizes to 0, -1, huge, floats, strings; keys dropped,
    duplicated, nested), read alone or as the config.json of a model folder."""
    seed = rng.choice(hf_seeds())
    text = m.mutate_json_text(rng, seed.data.decode(), ws.ctx, [])
    if rng.random() < 0.3:
        folder = os.path.join(ws.folder, f"in{index}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "config.json")
        with open(path, "wb") as f:
            f.write(m.encode(text))
        return Prepared(argv=[folder], files=[path], note=seed.name, cleanup=ws.remover(folder), original=seed.data.decode())
    path = ws.write(f"in{index}.json", m.encode(text))
    return Prepared(argv=[path], files=[path], note=seed.name, cleanup=ws.remover(path), original=seed.data.decode())


BOMB: dict[str, bytes] = {}
BOMB_SIZE, BOMB_CRC = 3 << 30, 0x480BBE37  # 3 GiB of zeros, and their CRC-32 (zlib.crc32 over them)


def bomb_zip() -> bytes:
    """A zip whose 'model.weights.h5' inflates from 3 MB to 3 GiB of zeros. Deflate after a full flush
    starts afresh, so one compressed MiB repeated is the whole stream: made in milliseconds."""
    if "deflate" not in BOMB:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
        data = block * (BOMB_SIZE >> 20) + c.flush()
        name = b"model.weights.h5"
        local = struct.pack("<4s5H3I2H", m.LOCAL, 20, 0, 8, 0, 0x21, BOMB_CRC, len(data), BOMB_SIZE, len(name), 0)
        central = struct.pack("<4s6H3I5H2I", m.CENTRAL, 20, 20, 0, 8, 0, 0x21, BOMB_CRC, len(data), BOMB_SIZE,
                              len(name), 0, 0, 0, 0, 0, 0)
        body = local + name + data
        end = struct.pack("<4s4H2IH", m.END, 0, 0, 1, 1, len(central) + len(name), len(body), 0)
        BOMB["deflate"] = body + central + name + end
    return BOMB["deflate"]


def write_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, data, compression method, flag bits)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method, flags in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
            if flags:
                info.flag_bits |= flags
    out = buf.getvalue()
    if any(flags for *_, flags in members):  # writestr cleared them in the local headers: set them in both
        out = bytearray(out)
        for sig, off in ((m.LOCAL, 6), (m.CENTRAL, 8)):
            i = out.find(sig)
            while i >= 0:
                out[i + off] |= 1
                i = out.find(sig, i + 4)
        out = bytes(out)
    return out


def keras_archive_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    seeds = keras_seeds(os.path.join(ws.folder, "seeds"))
    seed = rng.choice(seeds["keras"])
    members = [(n, d, zipfile.ZIP_DEFLATED, 0) for n, d in seed.members.items()]
    r = rng.random()
    note = seed.name
    if r < 0.45:  # config.json mutated
        members = [(n, m.encode(m.mutate_json_text(rng, d.decode(), ws.ctx, [])) if n == "config.json" else d, c, f)
                   for n, d, c, f in members]
        data, note = write_zip(members), note + " config"
    elif r < 0.5:
        members = [(n, m.encode(m.mutate_json_text(rng, d.decode(), ws.ctx, [])) if n == "metadata.json" else d, c, f)
                   for n, d, c, f in members]
        data, note = write_zip(members), note + " metadata"
    elif r < 0.68:
        data, note = m.mutate_zip_headers(rng, seed.data), note + " headers"
    elif r < 0.8:
        start = seed.data.find(m.CENTRAL)
        data, note = m.mutate_bytes(rng, seed.data, [(start, len(seed.data))]), note + " bytes"
    elif r < 0.9:  # the weights file: garbage, flipped, truncated, another model's
        other = rng.choice(seeds["keras"]).members["model.weights.h5"]
        h5 = rng.choice([m.mutate_bytes(rng, seed.members["model.weights.h5"]), rng.randbytes(rng.choice([0, 8, 4096])),
                         other, seed.members["model.weights.h5"][: rng.randrange(4096)]])
        members = [(n, h5 if n == "model.weights.h5" else d, c, f) for n, d, c, f in members]
        data, note = write_zip(members), note + " weights"
    elif r < 0.98:  # entries: dropped, doubled, renamed, added, compressed otherwise, flagged encrypted
        op = rng.randrange(6)
        if op == 0 and members:
            del members[rng.randrange(len(members))]
        elif op == 1:
            members.append(rng.choice(members))
        elif op == 2:
            i = rng.randrange(len(members))
            members[i] = (rng.choice(["../../config.json", "/config.json", "CONFIG.JSON", "config.json/", "a" * 300,
                                      "config.json\u0000x", "model.weights.h5"]), *members[i][1:])
        elif op == 3:
            members += [(f"extra{i}.bin", b"x", zipfile.ZIP_STORED, 0) for i in range(rng.choice([1, 100, 20000]))]
        elif op == 4:
            method = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
            members = [(n, d, method, f) for n, d, _, f in members]
        else:
            i = rng.randrange(len(members))
            members[i] = (*members[i][:3], 1)
        data, note = write_zip(members), note + f" entries{op}"
    else:  # a compression bomb in place of the weights
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for n, d, _, _ in members:
                if n != "model.weights.h5":
                    z.writestr(n, d)
        data = splice_bomb(buf.getvalue(), bomb_zip())
        note += " bomb"
    path = ws.write(f"in{index}.keras", data)
    return Prepared(argv=[path], files=[path], note=note, cleanup=ws.remover(path))


def splice_bomb(small: bytes, bomb: bytes) -> bytes:
    """Two zips joined into one (the bomb's entry first): rewriting the bomb would take seconds each time."""
    zs = zipfile.ZipFile(io.BytesIO(small))
    buf = io.BytesIO(bomb)
    with zipfile.ZipFile(buf, "a") as z:
        for info in zs.infolist():
            z.writestr(info, zs.read(info))
    return buf.getvalue()


def keras_h5_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    seed = rng.choice(keras_seeds(os.path.join(ws.folder, "seeds"))["h5"])
    path = ws.write(f"in{index}.h5", seed.data)
    r = rng.random()
    note = seed.name
    if r < 0.6:
        import h5py
        import numpy as np

        with h5py.File(path, "r+") as f:
            op = rng.random()
            if op < 0.65:
                text = m.mutate_json_text(rng, str(f.attrs["model_config"]), ws.ctx, [])
                try:
                    f.attrs["model_config"] = text
                except UnicodeEncodeError:  # not UTF-8: stored as bytes
                    f.attrs["model_config"] = np.bytes_(m.encode(text))
                note += " model_config"
            elif op < 0.75:
                key = rng.choice(["model_config", "keras_version", "backend"])
                value = rng.choice([3, 3.5, np.arange(4), b"\xff\xfe", "", "{}", "[]", "null", np.float64("nan")])
                if rng.random() < 0.3:
                    del f.attrs[key]
                else:
                    f.attrs[key] = value
                note += f" attr {key}"
            elif op < 0.9:  # the stored weights: a dataset gone, reshaped, retyped
                datasets: list[str] = []
                f.visititems(lambda n, o: datasets.append(n) if isinstance(o, h5py.Dataset) else None)
                if datasets:
                    name = rng.choice(datasets)
                    del f[name]
                    if rng.random() < 0.7:
                        f[name] = rng.choice([np.zeros((3, 3, 3)), np.zeros(()), np.array([b"x"]), np.zeros((0,))])
                note += " weights"
            else:
                g = f["model_weights"] if "model_weights" in f else f
                names = list(g.attrs.get("layer_names", []))
                if names and rng.random() < 0.5:
                    names = names + names if rng.random() < 0.5 else names[:-1]
                    g.attrs["layer_names"] = np.array(names, dtype=object) if names else np.array([], dtype="S1")
                else:
                    g.attrs["layer_names"] = rng.choice([np.array([b"nope"]), np.arange(3), "x"])
                note += " layer_names"
    else:
        data = seed.data
        if r < 0.9:
            data = m.mutate_bytes(rng, data, [(0, 2048)] if rng.random() < 0.5 else None)
        else:
            data = data[: rng.randrange(len(data))]
        ws.write(f"in{index}.h5", data)
        note += " bytes"
    return Prepared(argv=[path], files=[path], note=note, cleanup=ws.remover(path))


def mutate_safetensors(rng: random.Random, data: bytes, ctx: Context) -> tuple[bytes, str]:
    n = struct.unpack("<Q", data[:8])[0]
    header, body = data[8: 8 + n], data[8 + n:]
    r = rng.random()
    if r < 0.45:
        return header_bytes(m.encode(m.mutate_json_text(rng, header.decode(), ctx, [])), body), "header"
    if r < 0.65:  # names, dtypes, shapes, offsets
        tree = json.loads(header)
        names = [k for k in tree if k != "__metadata__"]
        name = rng.choice(names)
        entry = tree[name]
        op = rng.randrange(6)
        if op == 0:
            tree[rng.choice(NAMES)] = tree.pop(name)
        elif op == 1:
            entry["dtype"] = rng.choice(["F8_E4M3", "F8_E5M2", "C64", "X", "f32", "", 5, None, "U64", "F4", "I4"])
        elif op == 2:
            entry["shape"] = rng.choice([[-1], [10**30], [], [0], [1.5], "abc", [2**63, 2**63], [None], [[2]],
                                         [1] * 1000, [2**32, 2**32]])
        elif op == 3:
            a, b = entry["data_offsets"]
            entry["data_offsets"] = rng.choice([[b, a], [0, 10**30], [-1, b], [a], [], None, [a, b + 1], "0,1"])
        elif op == 4:
            tree = {f"layer.{i}.weight": dict(entry) for i in range(rng.choice([1000, 100_000]))}
        else:
            tree["__metadata__"] = rng.choice([{"format": 3}, [], "x", {"a": {"b": "c"}}, None, {"format": "tf"}])
        return header_bytes(json.dumps(tree).encode(), body), f"entry{op}"
    if r < 0.75:  # the length lies
        value = rng.choice([0, 1, 7, n - 1, n + 1, len(data), 2**63, 2**64 - 1, 100 * 2**20, 2**31])
        return struct.pack("<Q", value) + data[8:], "length"
    if r < 0.9:
        return m.mutate_bytes(rng, data, [(0, 8 + n)]), "bytes"
    return data[: rng.randrange(len(data))], "truncated"


def header_bytes(header: bytes, body: bytes) -> bytes:
    return struct.pack("<Q", len(header)) + header + body


def safetensors_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    seed = rng.choice(checkpoint_seeds()["safetensors"])
    data, how = mutate_safetensors(rng, seed.data, ws.ctx)
    path = ws.write(f"in{index}.safetensors", data)
    return Prepared(argv=[path], files=[path], note=f"{seed.name} {how}", cleanup=ws.remover(path))


def format_input(fmt: str) -> Callable[[random.Random, Workspace, int], Prepared]:
    """A GGUF or ONNX seed with its bytes mutated (most edits in the first KB: the header, the graph's start)."""

    def make(rng: random.Random, ws: Workspace, index: int) -> Prepared:
        seed = rng.choice(format_seeds()[fmt])
        data = m.mutate_bytes(rng, seed.data, [(0, min(len(seed.data), 1024))])
        path = ws.write(f"in{index}.{fmt}", data)
        return Prepared(argv=[path], files=[path], note=seed.name, cleanup=ws.remover(path))

    return make


def evil_pickle(ctx: Context) -> bytes:
    """A pickle that runs `touch CANARY` when loaded by an unrestricted unpickler."""
    return b"cos\nsystem\n(S'touch " + ctx.canary.encode() + b"'\ntR."


class Evil:
    def __init__(self, canary: str) -> None:
        self.canary = canary

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.canary}",))


def mutate_object(rng: random.Random, obj: Any, ctx: Context) -> Any:
    """A checkpoint object changed: keys renamed, values replaced, wrapped, shared, nested."""
    import torch

    state = dict(obj) if isinstance(obj, dict) else {"x": obj}
    op = rng.randrange(9)
    keys = list(state)
    key = rng.choice(keys) if keys else "x"
    if op == 0:
        state[rng.choice(NAMES)] = state.pop(key)
    elif op == 1:
        state[key] = rng.choice([3, "abc", None, 3.5, [1, 2], (torch.zeros(2),), {"a": torch.zeros(2)}, b"x",
                                 float("nan"), 10**30, {}, []])
    elif op == 2:
        dtype = rng.choice([torch.bool, torch.complex64, torch.bfloat16, torch.int8, torch.float64, torch.uint8,
                            torch.float8_e4m3fn, torch.int16, torch.uint16])
        state[key] = torch.zeros(rng.choice([(), (0,), (2, 3), (1, 0, 4)]), dtype=dtype)
    elif op == 3:  # a huge tensor that stores one element
        state[key] = torch.zeros(1).expand(*rng.choice([(10**6, 10**6), (2**31,), (10**4,) * 4]))
    elif op == 4:  # children shared: a DAG whose paths grow as 2**depth
        d: Any = state
        for _ in range(rng.choice([10, 40, 64])):
            d = {"a": d, "b": d}
        return d
    elif op == 5:
        d = state
        for _ in range(rng.choice([5, 100, 900])):
            d = {"state_dict": d} if rng.random() < 0.5 else [d]
        return d
    elif op == 6:
        return rng.choice([[state], (state, state), {"model": state, "ema": state}, torch.zeros(3), 3, None, "x",
                           {1: state}, {(1, 2): state}, {"state_dict": None}])
    elif op == 7:
        for i in range(rng.choice([1000, 20_000])):
            state[f"w{i}"] = torch.zeros(1)
    else:
        state[key] = torch.nn.Parameter(torch.zeros(2, 2))
    return state


def mutate_data_pkl(rng: random.Random, data: bytes) -> bytes:
    """A torch zip archive written again with its data.pkl's bytes mutated (so its CRC and sizes are right:
    the reader's pickle walk sees the damage, not the zip check)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = []
        for n in z.namelist():
            blob = z.read(n)
            if n.endswith("/data.pkl"):
                blob = m.mutate_bytes(rng, blob)
            members.append((n, blob, zipfile.ZIP_STORED, 0))
    return write_zip(members)


def pt_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    import torch

    seeds = checkpoint_seeds()["pt"]
    seed: FileSeed = rng.choice(seeds)
    r = rng.random()
    note = seed.name
    if r < 0.4 and seed.obj is not None:
        buf = io.BytesIO()
        obj = mutate_object(rng, seed.obj, ws.ctx)
        try:
            torch.save(obj, buf, _use_new_zipfile_serialization=rng.random() < 0.9)
        except (RecursionError, RuntimeError, pickle.PicklingError):
            return Prepared(note="unsaveable")
        data, note = buf.getvalue(), note + " object"
    elif r < 0.55 and seed.data[:2] == b"PK":  # the pickle's bytes changed inside a zip that is otherwise sound
        data, note = mutate_data_pkl(rng, seed.data), note + " pickle"
    elif r < 0.65:
        data, note = m.mutate_zip_headers(rng, seed.data), note + " headers"
    elif r < 0.85:
        data, note = m.mutate_bytes(rng, seed.data), note + " bytes"
    elif r < 0.9:
        data, note = seed.data[: rng.randrange(len(seed.data))], note + " truncated"
    else:  # code in the pickle: raw, inside the archive, or an object whose reduce runs a command
        choice = rng.randrange(3)
        if choice == 0:
            data = evil_pickle(ws.ctx)
        elif choice == 1:
            with zipfile.ZipFile(io.BytesIO(seeds[0].data)) as z:
                members = [(n, evil_pickle(ws.ctx) if n.endswith("data.pkl") else z.read(n), zipfile.ZIP_STORED, 0)
                           for n in z.namelist()]
            data = write_zip(members)
        else:
            buf = io.BytesIO()
            torch.save({"weight": torch.zeros(2), "evil": Evil(ws.ctx.canary)}, buf)
            data = buf.getvalue()
        note += f" evil{choice}"
    path = ws.write(f"in{index}{rng.choice(['.pt', '.pt', '.pth', '.bin'])}", data)
    return Prepared(argv=[path], files=[path], note=note, cleanup=ws.remover(path))


SHARD_NAMES = ["/etc/passwd", "/etc/shadow", "../../x.safetensors", "..", ".", "", "sub/../{s}", "./{s}",
               "fifo.safetensors", "dir.safetensors", "zero.safetensors", "random.safetensors", "a" * 300,
               "x\u0000y", "{index}", "nope.safetensors", "/dev/zero", "~/{s}", "{s}/", "é.safetensors"]


def index_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    seed = rng.choice(checkpoint_seeds()["index"])
    folder = os.path.join(ws.folder, f"idx{index}")
    os.makedirs(folder, exist_ok=True)
    for shard, data in seed.members.items():
        with open(os.path.join(folder, shard), "wb") as f:
            f.write(data)
    text = seed.data.decode()
    r = rng.random()
    name = "model.safetensors.index.json"
    note = seed.name
    if r < 0.5:
        text, note = m.mutate_json_text(rng, text, ws.ctx, []), note + " json"
    elif r < 0.8:
        tree = json.loads(text)
        weights = tree["weight_map"]
        choice = rng.choice(SHARD_NAMES)
        shard = choice.format(s=next(iter(seed.members)), index=name)
        special = {"fifo.safetensors": lambda p: os.mkfifo(p), "dir.safetensors": os.mkdir,
                   "zero.safetensors": lambda p: os.symlink("/dev/zero", p),
                   "random.safetensors": lambda p: os.symlink("/dev/urandom", p)}
        if shard in special:
            special[shard](os.path.join(folder, shard))
        for k in rng.sample(list(weights), rng.randrange(1, len(weights) + 1)):
            weights[k] = shard
        text, note = json.dumps(tree), note + f" shard {choice[:20]!r}"
    else:
        shard = rng.choice(list(seed.members))
        data, how = mutate_safetensors(rng, seed.members[shard], ws.ctx)
        with open(os.path.join(folder, shard), "wb") as f:
            f.write(data)
        note += f" shard bytes {how}"
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(m.encode(text))
    return Prepared(argv=[path], files=[folder], note=note, cleanup=ws.remover(folder))


# -- the live torch summary --------------------------------------------------------------------------

LIVE_VALUES: list[Any] = [0, -1, 1, 10**30, 10**12, 2**31, 3.5, "abc", float("nan"), float("inf"), None, True,
                          (2, 2), [], -(10**6), 10**6]
# (constructor, positional args, keyword args, input size or None)
LIVE_SPECS: list[tuple[str, list[Any], dict[str, Any], Any]] = [
    ("Linear", [16, 8], {"bias": True}, (2, 16)),
    ("Conv2d", [3, 8, 3], {"stride": 1, "padding": 1, "dilation": 1, "groups": 1}, (1, 3, 16, 16)),
    ("Conv1d", [4, 8, 3], {"stride": 2}, (1, 4, 20)),
    ("ConvTranspose2d", [4, 2, 3], {"stride": 2, "output_padding": 1}, (1, 4, 8, 8)),
    ("LSTM", [8, 16], {"num_layers": 2, "bidirectional": True, "batch_first": True}, (2, 5, 8)),
    ("GRU", [8, 16], {"num_layers": 1}, (5, 2, 8)),
    ("RNN", [8, 4], {"nonlinearity": "tanh"}, (5, 2, 8)),
    ("Embedding", [100, 8], {"padding_idx": 0}, None),
    ("EmbeddingBag", [100, 8], {"mode": "mean"}, None),
    ("MultiheadAttention", [16, 4], {"kdim": 8, "vdim": 8}, None),
    ("TransformerEncoderLayer", [16, 4], {"dim_feedforward": 32}, (2, 5, 16)),
    ("Transformer", [], {"d_model": 16, "nhead": 2, "num_encoder_layers": 1, "num_decoder_layers": 1,
                         "dim_feedforward": 32}, None),
    ("BatchNorm2d", [8], {"affine": True, "track_running_stats": True}, (2, 8, 4, 4)),
    ("LayerNorm", [16], {"elementwise_affine": True}, (2, 16)),
    ("GroupNorm", [2, 8], {}, (2, 8, 4, 4)),
    ("Bilinear", [4, 5, 6], {}, None),
    ("PReLU", [], {"num_parameters": 4}, (2, 4)),
    ("LazyLinear", [8], {}, (2, 16)),
    ("Conv3d", [2, 4, 3], {"padding": "same"}, (1, 2, 6, 6, 6)),
    ("Upsample", [], {"scale_factor": 2, "mode": "nearest"}, (1, 3, 4, 4)),
    ("AdaptiveAvgPool2d", [(2, 2)], {}, (1, 3, 8, 8)),
]


def build_live(rng: random.Random, ctx: Context) -> tuple[Any, Any, str]:
    """A module built from mutated constructor arguments, perhaps wrapped or hooked, and an input size."""
    import torch
    from torch import nn

    name, args, kwargs, size = rng.choice(LIVE_SPECS)
    args, kwargs = list(args), dict(kwargs)
    note = name
    for _ in range(rng.choice([0, 1, 1, 2])):
        slots = [("a", i) for i in range(len(args))] + [("k", k) for k in kwargs]
        if slots:
            where, key = rng.choice(slots)
            value = rng.choice(LIVE_VALUES)
            if where == "a":
                args[int(key)] = value
            else:
                kwargs[str(key)] = value
            note += f" {key}={value!r}"[:40]
    big = any(isinstance(v, int) and abs(v) > 10**5 for v in [*args, *kwargs.values()])
    with alarm(2.0), torch.device("meta" if big or rng.random() < 0.2 else "cpu"):
        module = getattr(nn, name)(*args, **kwargs)
    if rng.random() < 0.2:
        module = nn.Sequential(module, nn.Identity(), nn.Sequential(nn.ReLU()))
        note += " wrapped"
    if rng.random() < 0.15:
        c = ctx.canary

        def hook(*a: Any, **k: Any) -> None:
            open(c, "w").close()

        rng.choice([module.register_forward_hook, module.register_forward_pre_hook,
                    module.register_full_backward_hook, module._register_state_dict_hook])(hook)
        note += " hooked"
    if rng.random() < 0.05:
        module.register_buffer("stats", torch.zeros(3))
        module.extra = torch.zeros(4)
    if size is not None and rng.random() < 0.3:
        dims = list(size)
        op = rng.randrange(4)
        if op == 0:
            dims[rng.randrange(len(dims))] = rng.choice(LIVE_VALUES)
        elif op == 1:
            dims = dims[:-1]
        elif op == 2:
            dims.append(3)
        else:
            dims = rng.choice([[], "abc", 3, [[2, 3]], None])
        size = tuple(dims) if isinstance(dims, list) else dims
        note += f" input={size!r}"[:40]
    if rng.random() < 0.03:
        module = rng.choice([torch.zeros(3), "not a module", [nn.Linear(2, 2)], nn.Module, 3])
        note += " not-a-module"
    return module, size, note


def live_input(rng: random.Random, ws: Workspace, index: int) -> Prepared:
    try:
        module, size, note = build_live(rng, ws.ctx)
    except BaseException as e:  # noqa: B036  (torch refused the arguments, or took too long: not our input)
        if isinstance(e, KeyboardInterrupt):
            raise
        return Prepared(note=f"torch refused: {type(e).__name__}")
    global_hook = rng.random() < 0.03

    def call() -> int:
        import paramwise
        from paramwise.errors import ParamwiseError
        from paramwise.render import View
        from paramwise.render.table import render_text

        handle = None
        if global_hook:
            import torch

            c = ws.ctx.canary
            handle = torch.nn.modules.module.register_module_forward_hook(lambda *a: open(c, "w").close())
        try:
            report = paramwise.summary(module, **({"input_size": size} if size is not None else {}))
            render_text(report, View(depth=None, explain=True))
            json.dumps(report.to_json())
        except ParamwiseError as e:
            return e.exit_code
        finally:
            if handle is not None:
                handle.remove()
        return 0

    return Prepared(call=call, note=note + (" global-hook" if global_hook else ""))


READERS: dict[str, Callable[[random.Random, Workspace, int], Prepared]] = {
    "keras_source": source_input("keras"),
    "torch_source": source_input("torch"),
    "keras_json": keras_json_input,
    "keras_archive": keras_archive_input,
    "keras_h5": keras_h5_input,
    "safetensors": safetensors_input,
    "torch_pt": pt_input,
    "safetensors_index": index_input,
    "torch_live": live_input,
    "gguf": format_input("gguf"),
    "onnx": format_input("onnx"),
    "hf_config": hf_config_input,
}


def make_input(reader: str, seed: int, index: int, ws: Workspace) -> Prepared:
    rng = random.Random(f"{seed}:{reader}:{index}")
    return READERS[reader](rng, ws, index)


# -- the loop ----------------------------------------------------------------------------------------


def finding_key(kind: str, outcome: Outcome) -> str:
    if kind == "crash":
        return f"crash {outcome.exc_type} at {outcome.last_frame}"
    if kind == "hang":  # where it was stopped varies along a loop: the module is enough
        where = (outcome.paramwise_frame or outcome.last_frame).split(":")[0]
        return f"hang in {where}"
    return f"{kind} {outcome.exc_type or outcome.code}"


def save_finding(folder: str, reader: str, seed: int, index: int, kind: str, key: str, prepared: Prepared,
                 outcome: Outcome) -> str:
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    target = os.path.join(folder, reader, f"{kind}-{outcome.exc_type or outcome.code}-{digest}")
    os.makedirs(target, exist_ok=True)
    for p in prepared.files:
        dest = os.path.join(target, os.path.basename(p))
        if os.path.isdir(p):
            shutil.copytree(p, dest, symlinks=True, dirs_exist_ok=True, ignore_dangling_symlinks=True,
                            copy_function=copy_regular)
        elif os.path.isfile(p):
            shutil.copyfile(p, dest)
    with open(os.path.join(target, "finding.txt"), "w", encoding="utf-8", errors="replace") as f:
        f.write(f"{key}\nreader: {reader}\nseed: {seed}\nindex: {index}\nnote: {prepared.note}\n")
        f.write(f"argv: {prepared.argv}\nexit: {outcome.code} after {outcome.seconds:.2f} s (CPU {outcome.cpu:.2f} s)\n")
        f.write(f"rebuild: python benchmarks/fuzz.py --reader {reader} --seed {seed} --index {index}\n\n")
        f.write(outcome.trace or "")
        f.write("\n--- stderr ---\n" + outcome.stderr)
        if prepared.original and prepared.files and os.path.isfile(prepared.files[0]):
            with open(prepared.files[0], encoding="utf-8", errors="replace") as g:
                mutated = g.read()
            before, after = prepared.original, mutated
            if prepared.files[0].endswith(".json"):  # one line each: compare them pretty-printed
                before, after = pretty(before), pretty(after)
            diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "seed", "input", lineterm="", n=1)
            f.write("\n--- the mutation ---\n" + "\n".join(line[:300] for line in list(diff)[:80]) + "\n")
    return target


def pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=1, allow_nan=True)
    except (ValueError, RecursionError):
        return text


def copy_regular(src: str, dst: str) -> None:
    """Copy files; FIFOs and devices (inputs on purpose) are noted, never opened."""
    import stat

    mode = os.lstat(src).st_mode
    if stat.S_ISREG(mode):
        shutil.copyfile(src, dst)
    else:
        with open(dst + ".not-a-file", "w") as f:
            f.write(f"{stat.filemode(mode)}\n")


def run_one(reader: str, seed: int, index: int, ws: Workspace, limit: float) -> tuple[Prepared, Outcome]:
    try:
        prepared = make_input(reader, seed, index, ws)
    except Exception:  # a bug of the harness: said, counted apart, never a finding
        print(f"fuzz harness: {reader} input {index} could not be made:\n{traceback.format_exc()}", file=sys.stderr)
        return Prepared(note="harness error"), Outcome("harness", 0.0)
    if prepared.argv is not None:
        outcome = run_cli(prepared.argv, ws.ctx, limit)
    elif prepared.call is not None:
        outcome = run_call(prepared.call, ws.ctx, limit)
    else:
        outcome = Outcome("skipped", 0.0)
    return prepared, outcome


# Readers whose reading needs no framework (only their seeds do: those are made in a child process). Their
# worker imports neither Keras nor torch, so that the HDF5 reader's fork for each file is cheap.
LIGHT = {"keras_json", "keras_archive", "keras_h5", "safetensors", "safetensors_index"}


def warm_up(reader: str | None = None) -> None:
    """Import what the readers import lazily, so that the first input's time is its own (for a LIGHT reader,
    all but Keras and torch)."""
    import importlib

    from paramwise import frontends

    os.environ.setdefault("KERAS_BACKEND", "torch")
    light = reader in LIGHT and "torch" not in sys.modules and "keras" not in sys.modules
    heavy = () if light else ("torch", "keras")
    for name in (*heavy, "h5py", "safetensors", "numpy", "sympy", "paramwise.cli", "paramwise.render.table",
                 "paramwise.render.json", "paramwise.render.markdown", "paramwise.teach.pitfalls"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    for name in frontends.FRONTENDS:
        try:
            frontends.load(name)
        except ImportError:
            pass


def fuzz_reader(reader: str, seed: int, start: int, count: int, ws: Workspace, findings: str | None, limit: float,
                stats: Stats | None = None, progress: Callable[[int], None] | None = None) -> Stats:
    """Run inputs start..start+count-1 of one reader; findings are saved under `findings` (None: kept in memory)."""
    stats = stats or Stats(reader)
    warm_up(reader)
    for index in range(start, start + count):
        if progress:
            progress(index)
        prepared, outcome = run_one(reader, seed, index, ws, limit)
        if outcome.code == "hang" and outcome.cpu < limit / 2:
            # Over the limit on the wall clock with the CPU mostly elsewhere (a busy machine): the input is made
            # again from (seed, index) and run once more; over the limit twice is a hang.
            stats.rerun += 1
            if prepared.cleanup:
                prepared.cleanup()
            prepared, outcome = run_one(reader, seed, index, ws, limit)
        stats.add(index, outcome)
        kind = outcome.finding
        if kind:
            key = finding_key(kind, outcome)
            if key in stats.findings:
                stats.findings[key].count += 1
            else:
                folder = save_finding(findings, reader, seed, index, kind, key, prepared, outcome) if findings else ""
                stats.findings[key] = Finding(key, kind, reader, index, 1, outcome, prepared.note, folder)
        if prepared.cleanup:
            prepared.cleanup()
    return stats
