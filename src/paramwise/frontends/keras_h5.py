"""Legacy Keras full-model `.h5`/`.hdf5` files (`model.save("model.h5")`): the `model_config` attribute
holds the configuration as JSON, `model_weights/<layer>` the stored tensors. Needs h5py (an optional extra)."""

from __future__ import annotations

import io
import json
from typing import Any

from ..errors import InputError, require
from . import Found, ReadOptions
from .keras_json import StoredTree, read_config

BINARY = True
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def sniff(path: str, head: bytes) -> bool:
    return head[:8] == HDF5_MAGIC


def read(path: str, data: bytes, options: ReadOptions) -> tuple[list[Found], int]:
    require("h5py", "h5")
    import h5py

    with h5py.File(io.BytesIO(data), "r") as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            what = "only weights (model.save_weights)" if "layer_names" in f.attrs or "model_weights" not in f else "no model_config"
            raise InputError(f"{path}: this HDF5 file holds {what}, so it has no model configuration to read",
                             hint="save the whole model with model.save('model.keras') (or model.save('model.h5'))")
        try:
            config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: the model_config attribute is not valid JSON ({e})") from e
        weights = f.get("model_weights")
        stored = weight_tree(weights) if isinstance(weights, h5py.Group) else None
    return read_config(config, path, options, stored)


def weight_tree(group: Any) -> StoredTree:
    """`model_weights/<layer>/...`: every dataset under a layer's group; sublayers found by group name."""
    import h5py

    tree = StoredTree()
    for name in layer_names(group):
        child = group.get(name)
        if isinstance(child, h5py.Group):
            tree.children[name] = subtree(child)
    return tree


def layer_names(group: Any) -> list[str]:
    names = group.attrs.get("layer_names")
    if names is None:
        return list(group.keys())
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def subtree(group: Any) -> StoredTree:
    import h5py

    tensors: list[tuple[str, tuple[int, ...]]] = []
    groups: list[str] = []

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            tensors.append((name, tuple(int(d) for d in obj.shape)))
        elif isinstance(obj, h5py.Group):
            groups.append(name)

    group.visititems(visit)
    tree = StoredTree(tuple(tensors))
    for name in sorted(groups, key=lambda item: item.count("/")):
        key = name.rsplit("/", 1)[-1]
        if key not in tree.children:
            tree.children[key] = StoredTree(tuple((n, s) for n, s in tensors if n.startswith(name + "/")))
    return tree
