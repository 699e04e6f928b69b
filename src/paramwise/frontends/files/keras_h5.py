"""Legacy Keras full-model `.h5`/`.hdf5` files (`model.save("model.h5")`): the `model_config` attribute
holds the configuration as JSON, `model_weights/<layer>` the stored tensors. Needs h5py (an optional extra).

The file is treated as hostile: every h5py error is an input error naming the file, only hard links are
followed (an external or soft link could name any file on the machine), each object is visited once, and the
number of objects looked at is bounded."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ...errors import InputError, LimitError, ParamwiseError, require
from .. import Found, ReadOptions
from .json_text import parse_json
from .keras_json import StoredTree, read_config

BINARY = True
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
MAX_OBJECTS = 1_000_000  # groups and datasets looked at in one file (a 10,000-layer model has ~50,000)
H5_SECONDS = 6.0  # for the HDF5 library to read one file's metadata (a 10,000-layer model takes about a second)
MAX_REPLY_BYTES = 512 * 1024 * 1024
MAX_NAME_CHARS = 100_000_000  # characters of group paths sliced while grouping tensors by layer
H5_ERRORS = (OSError, ValueError, KeyError, TypeError, RuntimeError, IndexError, AttributeError, UnicodeDecodeError)


def sniff(path: str, head: bytes) -> bool:
    return head[:8] == HDF5_MAGIC


def read(path: str, data: bytes, options: ReadOptions) -> tuple[list[Found], int]:
    require("h5py", "h5")
    reply = isolated(lambda: legacy_contents(data, path), path)
    if not isinstance(reply, dict) or not isinstance(reply.get("config"), str):
        raise InputError(f"{path}: not a readable HDF5 file (its reader gave no configuration)")
    config = parse_json(reply["config"], f"{path}:model_config")
    stored = unflatten(reply.get("stored"), path)
    return read_config(config, path, options, stored)


def legacy_contents(data: bytes, path: str) -> dict[str, Any]:
    """The model_config text and the stored tensors by layer (flattened): what the parent needs, as plain data."""
    import h5py

    with h5_errors(path), h5py.File(View(memoryview(data)), "r") as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            what = "only weights (model.save_weights)" if "layer_names" in f.attrs or "model_weights" not in f else "no model_config"
            raise InputError(f"{path}: this HDF5 file holds {what}, so it has no model configuration to read",
                             hint="save the whole model with model.save('model.keras') (or model.save('model.h5'))")
        text = attr_text(raw, path)
        weights = hard_child(f, "model_weights")
        stored = flatten(weight_tree(weights, Budget(path))) if weights is not None else None
    return {"config": text, "stored": stored}


def isolated(work: Callable[[], Any], where: str) -> Any:
    """`work()` (which reads HDF5) run in a child process, its result passed back as JSON: the HDF5 library can
    loop forever or crash on a malformed file, and neither may take paramwise down with it. Where processes
    cannot fork, `work()` runs here."""
    if not hasattr(os, "fork"):
        return work()
    import h5py  # noqa: F401 - imported before the fork, so the child imports nothing

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        import faulthandler

        faulthandler.disable()  # a crash of the library is reported by the parent, not as a Python traceback
        os.close(read_end)
        code = 0
        try:
            reply = child_reply(work)
            with os.fdopen(write_end, "wb") as out:
                out.write(reply)
        except BaseException:  # noqa: BLE001 - the child ends here whatever happens
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        raw = read_reply(read_end, where)
    except BaseException:  # the input's limit, or a time limit of the whole read: the child goes too
        end_child(pid)
        raise
    finally:
        os.close(read_end)
    return parse_reply(raw, pid, where)


def child_reply(work: Callable[[], Any]) -> bytes:
    try:
        payload: dict[str, Any] = {"ok": work()}
    except ParamwiseError as e:
        payload = {"error": e.message, "hint": e.hint, "limit": isinstance(e, LimitError)}
    except RecursionError:
        payload = {"error": "the groups in this HDF5 file are nested too deep to read", "limit": True}
    except MemoryError:
        payload = {"error": "this HDF5 file needs more memory to read than any model file would", "limit": True}
    return json.dumps(payload).encode("utf-8", "surrogatepass")


def read_reply(fd: int, where: str) -> bytes:
    """What the child wrote, within H5_SECONDS (else the child is ended and the input refused)."""
    import select

    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + H5_SECONDS
    while True:
        left = deadline - time.monotonic()
        ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            raise LimitError(f"{where}: the HDF5 library did not finish reading this file within {H5_SECONDS:g} s; "
                             "a model file reads in well under a second", hint="the file is probably damaged; save the model again")
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise LimitError(f"{where}: this HDF5 file describes more than {MAX_REPLY_BYTES // 2**20} MB of names and shapes")
        chunks.append(chunk)


def end_child(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def parse_reply(raw: bytes, pid: int, where: str) -> Any:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not raw:
        how = f"crashed (signal {os.WTERMSIG(status)})" if os.WIFSIGNALED(status) else "stopped"
        raise InputError(f"{where}: not a readable HDF5 file: the HDF5 library {how} reading it",
                         hint="the file is damaged; save the model again")
    try:
        payload = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError) as e:
        raise InputError(f"{where}: not a readable HDF5 file (its reader's answer was damaged)") from e
    if not isinstance(payload, dict):
        raise InputError(f"{where}: not a readable HDF5 file (its reader's answer was damaged)")
    if "error" in payload:
        kind = LimitError if payload.get("limit") else InputError
        raise kind(str(payload["error"]), hint=str(payload.get("hint") or ""))
    return payload.get("ok")


def flatten(tree: StoredTree) -> list[Any]:
    """A StoredTree as a flat list of [tensors, {child key: node index}] (node 0 the root; shared nodes once)."""
    index = {id(tree): 0}
    nodes: list[Any] = [None]
    todo = [tree]
    while todo:
        node = todo.pop()
        children = {}
        for key, child in node.children.items():
            if id(child) not in index:
                index[id(child)] = len(nodes)
                nodes.append(None)
                todo.append(child)
            children[key] = index[id(child)]
        nodes[index[id(node)]] = [[[name, list(shape)] for name, shape in node.tensors], children]
    return nodes


def unflatten(nodes: Any, where: str) -> StoredTree | None:
    if nodes is None:
        return None
    try:
        trees = [StoredTree(tuple((str(name), tuple(int(d) for d in shape)) for name, shape in node[0])) for node in nodes]
        for tree, node in zip(trees, nodes):
            tree.children.update({str(key): trees[i] for key, i in node[1].items()})
        return trees[0]
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as e:
        raise InputError(f"{where}: not a readable HDF5 file (its reader's answer was damaged)") from e


def attr_text(raw: Any, path: str) -> str:
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: the model_config attribute is not UTF-8 text ({e})") from e
    if isinstance(raw, str):
        return raw
    raise InputError(f"{path}: the model_config attribute is a {type(raw).__name__}, not JSON text",
                     hint="save the whole model with model.save('model.h5')")


@contextmanager
def h5_errors(where: str) -> Iterator[None]:
    """h5py's errors (a damaged or hostile file) as input errors naming the file."""
    try:
        yield
    except H5_ERRORS as e:
        raise InputError(f"{where}: not a readable HDF5 file ({type(e).__name__}: {str(e)[:200]})",
                         hint="the file may be damaged or truncated; save the model again") from e


class View(io.RawIOBase):
    """A read-only, seekable file over bytes already in memory (h5py reads through it: no copy)."""

    def __init__(self, data: memoryview) -> None:
        self.view, self.at = data, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.at, io.SEEK_END: len(self.view)}[whence]
        self.at = max(0, base + offset)
        return self.at

    def tell(self) -> int:
        return self.at

    def readinto(self, buffer: Any) -> int:
        piece = self.view[self.at:self.at + len(buffer)]
        memoryview(buffer).cast("B")[: len(piece)] = piece
        self.at += len(piece)
        return len(piece)


class Budget:
    """How many HDF5 objects one read may look at, and which groups it has already walked."""

    def __init__(self, where: str) -> None:
        self.where, self.left, self.chars, self.seen = where, MAX_OBJECTS, MAX_NAME_CHARS, set[Any]()

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitError(f"{self.where}: this HDF5 file has more than {MAX_OBJECTS:,} groups and datasets to walk; "
                             "a model's weights file has far fewer", hint="is this a Keras model file?")

    def spend_chars(self, n: int) -> None:
        self.chars -= n
        if self.chars < 0:
            raise LimitError(f"{self.where}: the names in this HDF5 file are nested too deep to walk (over "
                             f"{MAX_NAME_CHARS:,} characters of group paths)", hint="is this a Keras model file?")

    def first_visit(self, group: Any) -> bool:
        if group.id in self.seen:
            return False
        self.seen.add(group.id)
        return True


def hard_child(group: Any, name: str) -> Any | None:
    """The group `name` under `group` if a hard link holds it (never an external or soft link), else None."""
    import h5py

    link = group.get(name, getlink=True)
    if not isinstance(link, h5py.HardLink):
        return None
    child = group.get(name)
    return child if isinstance(child, h5py.Group) else None


def text_attr(obj: Any, key: str) -> str | None:
    value = obj.attrs.get(key)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def dataset_shape(obj: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in (obj.shape or ()))  # None: an empty (null) dataspace


def visit(group: Any, budget: Budget) -> tuple[list[tuple[str, tuple[int, ...]]], list[str]]:
    """Every dataset (name, shape) and group name under `group`; HDF5 visits each object once."""
    import h5py

    tensors: list[tuple[str, tuple[int, ...]]] = []
    groups: list[str] = []

    def each(name: str, obj: Any) -> None:
        budget.spend()
        if isinstance(obj, h5py.Dataset):
            tensors.append((name, dataset_shape(obj)))
        elif isinstance(obj, h5py.Group):
            groups.append(name)

    group.visititems(each)
    return tensors, groups


def weight_tree(group: Any, budget: Budget) -> StoredTree:
    """`model_weights/<layer>/...`: every dataset under a layer's group; sublayers found by group name."""
    tree = StoredTree()
    for name in layer_names(group):
        budget.spend()
        child = hard_child(group, name)
        if child is not None and budget.first_visit(child):
            tree.children[name] = subtree(child, budget)
    return tree


def layer_names(group: Any) -> list[str]:
    names = group.attrs.get("layer_names")
    if names is None:
        return list(group.keys())
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        names = [names]
    return [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n) for n in names]


def subtree(group: Any, budget: Budget) -> StoredTree:
    tensors, groups = visit(group, budget)
    tree = StoredTree(tuple(tensors))
    below: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for name, shape in tensors:  # each tensor under each of its groups: linear in the names' lengths
        at = name.find("/")
        while at >= 0:
            budget.spend_chars(at)
            below.setdefault(name[:at], []).append((name, shape))
            at = name.find("/", at + 1)
    for name in sorted(groups, key=lambda item: item.count("/")):
        key = name.rsplit("/", 1)[-1]
        if key not in tree.children:
            tree.children[key] = StoredTree(tuple(below.get(name, ())))
    return tree
