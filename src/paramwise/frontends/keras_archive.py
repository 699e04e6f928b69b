"""Keras 3 `.keras` archives: a zip of config.json, metadata.json and model.weights.h5.

Read with zipfile and json only; the stored weights (if h5py is installed) are counted as a second check.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ..errors import Diagnostic, InputError
from . import Found, ReadOptions
from .keras_json import StoredTree, read_config

BINARY = True
MAX_CONFIG_BYTES = 256 * 1024 * 1024


def sniff(path: str, head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04" and (path.endswith(".keras") or b"config.json" in head)


def read(path: str, data: bytes, options: ReadOptions) -> tuple[list[Found], int]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InputError(f"{path}: not a readable .keras archive ({e})", hint="save the model again with model.save('model.keras')") from e
    names = set(archive.namelist())
    if "config.json" not in names:
        raise InputError(f"{path}: this zip has no config.json, so it is not a Keras 3 .keras archive",
                         hint="save the model with model.save('model.keras')")
    config = load_json(archive, "config.json", path)
    metadata = load_json(archive, "metadata.json", path) if "metadata.json" in names else {}
    stored, note = None, None
    if "model.weights.h5" in names:
        stored, note = stored_weights(archive.read("model.weights.h5"))
    found, chosen = read_config(config, path, options, stored)
    return [with_meta(f, metadata, note) for f in found], chosen


def load_json(archive: zipfile.ZipFile, name: str, path: str) -> Any:
    if archive.getinfo(name).file_size > MAX_CONFIG_BYTES:
        raise InputError(f"{path}: {name} is larger than {MAX_CONFIG_BYTES // 2**20} MiB", hint="is this a Keras archive?")
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: {name} inside the archive is not valid JSON ({e})") from e


def with_meta(found: Found, metadata: Any, note: Diagnostic | None) -> Found:
    graph = found.graph
    if graph is None:
        return found
    meta = {**graph.meta, "keras_version": metadata.get("keras_version") if isinstance(metadata, dict) else None}
    warnings = graph.warnings + ((note,) if note else ())
    return Found(found.name, type(graph)(graph.framework, graph.name, graph.layers, graph.calls, graph.inputs, graph.outputs,
                                         graph.source, graph.location, warnings, graph.symbols, meta))


def stored_weights(blob: bytes) -> tuple[StoredTree | None, Diagnostic | None]:
    """The tensors in model.weights.h5, by layer: `layers/<key>/...`, with the layer's name in `vars`' attrs."""
    try:
        import h5py
    except ImportError:
        return None, Diagnostic("weights_not_read", "the stored weights were not compared with the formulas: h5py is not installed",
                                hint="pip install 'paramwise[h5]'")
    with h5py.File(io.BytesIO(blob), "r") as f:
        return layer_tree(f), None


def layer_tree(group: Any) -> StoredTree:
    import h5py

    tensors: list[tuple[str, tuple[int, ...]]] = []

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            tensors.append((name, tuple(int(d) for d in obj.shape)))

    group.visititems(visit)
    tree = StoredTree(tuple(tensors))
    layers = group.get("layers")
    if isinstance(layers, h5py.Group):
        for key, child in layers.items():
            if isinstance(child, h5py.Group):
                sub = layer_tree(child)
                tree.children[key] = sub
                vars_group = child.get("vars")
                name = vars_group.attrs.get("name") if isinstance(vars_group, h5py.Group) else None
                if isinstance(name, (str, bytes)):
                    tree.children.setdefault(name.decode() if isinstance(name, bytes) else name, sub)
    return tree
