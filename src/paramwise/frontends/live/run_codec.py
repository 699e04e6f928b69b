"""A Graph as JSON and back, for `--run`: the process that runs the user's code sends the Graph it read from the
live model, and the command rebuilds it from plain JSON (never a pickle).

Decoding makes only objects of a fixed set of paramwise's own classes: the IR's dataclasses (Graph, Layer,
Call, TensorRef), Location and Diagnostic, formula Factors, and the layer kinds (any subclass of Kind, found
by walking Kind's subclasses, never by importing a name the JSON gives). A kind is rebuilt with its
attributes exactly as they were (no setup() again), so the rebuilt graph is the one that was read.
"""

from __future__ import annotations

import math

from ... import kinds
from ...errors import Diagnostic, InputError, Location
from ...formula import Factor, Prod, Sum
from ...frozen import fields
from ...ir import Call, Graph, Layer, TensorRef, Weight
from ...kinds.base import Kind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

DATACLASSES: dict[str, type[Any]] = {c.__name__: c for c in (Graph, Layer, Call, TensorRef, Weight, Location,
                                                              Diagnostic, Factor, Sum, Prod)}
MAX_DEPTH = 200
TENSOR_REF_FIELDS = ("call", "index")


def kind_classes() -> dict[str, type[Kind]]:
    """Every Kind subclass by `module:qualname` (every module of kinds/ imported first)."""
    kinds.registry()
    out: dict[str, type[Kind]] = {}
    todo: list[type[Kind]] = [Kind]
    while todo:
        cls = todo.pop()
        out[f"{cls.__module__}:{cls.__qualname__}"] = cls
        todo.extend(cls.__subclasses__())
    return out


def encode(value: Any, depth: int = 0) -> Any:
    """Plain JSON for a Graph and what it holds; tuples, dicts with other keys, kinds and dataclasses are tagged."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep to send")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if type(value) is TensorRef:  # a pair (see ir.py), sent as the record it is
        return {"object": "TensorRef", "fields": {name: encode(getattr(value, name), depth + 1) for name in TENSOR_REF_FIELDS}}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, depth + 1) for v in value]}
    if isinstance(value, frozenset):
        return {"frozenset": [encode(v, depth + 1) for v in sorted(value, key=repr)]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, Kind):
        return {"kind": f"{type(value).__module__}:{type(value).__qualname__}",
                "state": encode(dict(vars(value)), depth + 1)}
    if DATACLASSES.get(type(value).__name__) is type(value):
        return {"object": type(value).__name__,
                "fields": {f.name: encode(getattr(value, f.name), depth + 1) for f in fields(value)}}
    raise ValueError(f"a {type(value).__name__} cannot be sent")


def decode(data: Any, classes: dict[str, type[Kind]] | None = None, depth: int = 0) -> Any:
    classes = classes if classes is not None else kind_classes()
    if depth > MAX_DEPTH:
        raise InputError("the model read by --run is nested too deep to rebuild")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [decode(v, classes, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise InputError("--run sent something that is not a model (a malformed reply)")
    tag = next(iter(data))
    body = data[tag]
    if tag == "int" and isinstance(body, str):
        return int(body)
    if tag == "float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "tuple" and isinstance(body, list):
        return tuple(decode(v, classes, depth + 1) for v in body)
    if tag == "frozenset" and isinstance(body, list):
        return frozenset(decode(v, classes, depth + 1) for v in body)
    if tag == "dict" and isinstance(body, list):
        return {decode(k, classes, depth + 1): decode(v, classes, depth + 1) for k, v in body}
    if tag == "kind" and isinstance(body, str) and body in classes:
        kind = classes[body].__new__(classes[body])
        state = decode(data.get("state"), classes, depth + 1)
        if not isinstance(state, dict):
            raise InputError("--run sent a layer kind without its attributes (a malformed reply)")
        kind.__dict__.update(state)
        return kind
    if tag == "object" and body in DATACLASSES and isinstance(data.get("fields"), dict):
        cls = DATACLASSES[body]
        names = set(TENSOR_REF_FIELDS) if cls is TensorRef else {f.name for f in fields(cls)}
        given = {k: decode(v, classes, depth + 1) for k, v in data["fields"].items() if k in names}
        return cls(**given)
    raise InputError(f"--run sent an object paramwise does not rebuild ({str(tag)[:40]}: {str(body)[:60]})")
