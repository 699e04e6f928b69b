"""Keras model configurations -> Graph: `model.to_json()` files (Keras 3 and tf.keras 2.x), and the same
configuration inside `.keras` archives and legacy `.h5` files. The configuration is read as data; no class
it names is imported or deserialized, and Lambda/custom layers are never run.

Keras 3 records a call as `{"args": [...], "kwargs": {...}}` with `__keras_tensor__` placeholders whose
`keras_history` is `[layer, node_index, tensor_index]`; tf.keras 2.x as a list of
`[layer, node_index, tensor_index, kwargs]`. Both name a node by its position in the layer's
`inbound_nodes` (a nested functional model may count its own construction as node 0).
"""

from __future__ import annotations

import heapq
import re

from ... import kinds
from ...errors import BadValue, Diagnostic, InputError, KindError, Location
from ...frozen import field, record
from ...ir import Call, Graph, Layer, Shape, TensorRef
from ...kinds.base import Kind
from ...kinds.rows import Input, Operation, StoredWeights, Submodel, Unknown
from .. import Found, ReadOptions
from .json_text import parse_json
from .keras_config import (
    CODE_LAYERS,
    TF_OPS,
    BadShape,
    checked_shape,
    input_shape_of,
    is_custom,
    is_model,
    is_operation,
    layer_kwargs,
    snake_case,
)
from .keras_nodes import Ref, flat_refs, node_offsets, node_refs, set_call_options, shown

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

KERAS_HEAD = re.compile(rb'"class_name"\s*:\s*"(Sequential|Functional|Model)"|"keras_version"')


@record
class StoredTree:
    """The tensors a file stores for one layer (all of them, nested ones included), and its sublayers'."""

    tensors: tuple[tuple[str, tuple[int, ...]], ...] = ()
    children: dict[str, StoredTree] = field(default_factory=dict)


def sniff(path: str, head: bytes) -> bool:
    """A JSON object naming a Keras model class (a `to_json()` file or a `.keras` archive's config.json)."""
    return head.lstrip()[:1] == b"{" and bool(KERAS_HEAD.search(head))


def read(path: str, text: str, options: ReadOptions) -> tuple[list[Found], int]:
    return read_config(parse_json(text, path, "give the text model.to_json() wrote"), path, options)


def read_config(
    data: Any, source: str, options: ReadOptions | None = None, stored: StoredTree | None = None
) -> tuple[list[Found], int]:
    """The one model a Keras configuration describes (its graph, or why it has none)."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: a Keras model configuration is a JSON object; got {type(data).__name__}")
    entry: dict[str, Any] = data if "config" in data else {
        "class_name": "Functional" if "input_layers" in data else "Sequential", "config": data}
    check_model_entry(entry, source, "" if entry is data else None)
    if not is_model(entry):
        raise InputError(
            f"{source}: this configuration is a {entry.get('class_name', '?')}, not a Sequential or functional model",
            hint="paramwise reads the configuration of keras.Sequential and functional keras.Model",
        )
    reader = ConfigReader(source, options or ReadOptions())
    name = str(entry["config"].get("name") or "model")
    try:
        graph = reader.model(entry, "", stored, top=True)
    except InputError as e:
        return [Found(name, None, e)], 0
    meta = {"model_type": entry.get("class_name", "Functional"), "keras_version": data.get("keras_version")}
    graph = Graph(graph.framework, graph.name, graph.layers, graph.calls, graph.inputs, graph.outputs, source,
                  graph.location, tuple(reader.warnings), meta={**graph.meta, **meta})
    return [Found(name, graph)], 0


JSON_TYPES: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}


def wrong_type(what: str, value: Any, expected: type, location: Location) -> InputError:
    return InputError(f"{what} must be {JSON_TYPES[expected]}; got {shown(value)}",
                      hint="the file may be damaged; write it again with model.to_json() or model.save()", location=location)


def check_model_entry(entry: dict[str, Any], source: str, path: str | None) -> None:
    """The parts of a model entry every reader relies on: `config` an object, its `layers` a list.
    `path` is the entry's data path ("" at the top; None when the file holds the bare config)."""
    prefix = "" if not path else path + "."
    if path is not None and not isinstance(entry.get("config"), dict):
        raise wrong_type("a model's 'config'", entry.get("config"), dict, Location(source, path=prefix + "config"))
    at = f"{prefix}config.layers" if path is not None else "layers"
    layers = entry["config"].get("layers")
    if layers is not None and not isinstance(layers, list):
        raise wrong_type("a model's 'layers'", layers, list, Location(source, path=at))
    if not isinstance(entry.get("class_name", ""), str):
        raise wrong_type("'class_name'", entry["class_name"], str, Location(source, path=prefix + "class_name"))


class ConfigReader:
    """Turns one configuration (and the stored-tensor tree beside it, if any) into Graphs."""

    def __init__(self, source: str, options: ReadOptions) -> None:
        self.source = source
        self.options = options
        self.warnings: list[Diagnostic] = []

    def where(self, path: str) -> Location:
        return Location(self.source, path=path.rstrip("."))

    def model(self, entry: dict[str, Any], path: str, stored: StoredTree | None, top: bool = False) -> Graph:
        cfg = entry["config"]
        for i, layer in enumerate(cfg["layers"]):
            self.check_entry(layer, f"{path}config.layers[{i}]")
        if entry.get("class_name") == "Sequential" or "input_layers" not in cfg:
            return self.sequential(entry, path, stored, top)
        return self.functional(entry, path, stored)

    def check_entry(self, entry: Any, path: str) -> None:
        """A layer entry: an object with a string class_name and (if any) an object config, a string name
        and a list of calls."""
        if not isinstance(entry, dict):
            raise wrong_type("a layer entry", entry, dict, self.where(path))
        if not isinstance(entry.get("class_name"), str):
            if "class_name" not in entry:
                raise InputError("this layer entry has no 'class_name'", hint="the file may be damaged",
                                 location=self.where(path))
            raise wrong_type("'class_name'", entry["class_name"], str, self.where(f"{path}.class_name"))
        for key, expected in (("config", dict), ("name", str), ("inbound_nodes", list), ("build_config", dict)):
            if entry.get(key) is not None and not isinstance(entry[key], expected):
                raise wrong_type(f"'{key}'", entry[key], expected, self.where(f"{path}.{key}"))
        cfg = entry.get("config") or {}
        if cfg.get("name") is not None and not isinstance(cfg["name"], str):
            raise wrong_type("'name'", cfg["name"], str, self.where(f"{path}.config.name"))
        if is_model(entry):
            check_model_entry(entry, self.source, path)

    def shape_of(self, cfg: dict[str, Any], path: str, strict: bool = False) -> Shape | None:
        """The input shape a layer's config fixes, every dimension checked (null or a whole number >= 1)."""
        try:
            return input_shape_of(cfg, strict)
        except BadShape as e:
            raise self.bad_shape(e, f"{path}.config") from e

    def bad_shape(self, e: BadShape, at: str) -> InputError:
        index = "" if e.index is None else f"[{e.index}]"
        return InputError(f"{e.key}{index} must be {e.expected}; got {shown(e.value)}",
                          hint="an input shape lists null (any size) or whole numbers >= 1, e.g. [null, 28, 28, 1]",
                          location=self.where(f"{at}.{e.key}{index}"))

    # -- Sequential ------------------------------------------------------------------------------
    def sequential(self, entry: dict[str, Any], path: str, stored: StoredTree | None, top: bool) -> Graph:
        cfg = entry["config"]
        name = str(cfg.get("name") or "sequential")
        items = list(enumerate(cfg["layers"]))
        input_name = "input_layer"
        shape: Shape | None = None
        if items and items[0][1].get("class_name") == "InputLayer":
            first = items.pop(0)[1]
            shape = self.shape_of(first.get("config") or {}, f"{path}config.layers[0]")
            input_name = str((first.get("config") or {}).get("name") or input_name)
        shape = shape or self.sequential_shape(cfg, items, top, path)
        if shape is None:
            if top:
                raise InputError(
                    f"Sequential model '{name}' has no input shape, so its layers cannot be sized",
                    hint="give one with --input-shape, e.g. --input-shape 28,28,1", location=self.where(path or "config"),
                )
            shape = ()  # nested: the outer call gives the shape
        keys = StoredKeys()
        if cfg["layers"] and cfg["layers"][0]["class_name"] == "InputLayer":
            keys.next("InputLayer")  # Keras 3 keeps a Sequential's InputLayer among the weight file's groups
        layers = [Layer(input_name, "InputLayer", Input("keras", "InputLayer", {"shape": shape}), hidden=True)]
        for i, e in items:
            layers.append(self.layer(e, f"{path}config.layers[{i}]", stored, keys))
        calls = [Call(0, ())] + [Call(i, (TensorRef(i - 1),), layers[i].location) for i in range(1, len(layers))]
        return Graph("keras", name, tuple(layers), tuple(calls), (TensorRef(0),), (TensorRef(len(calls) - 1),),
                     self.source, self.where(path or "config"), meta={"model_type": "Sequential"})

    def sequential_shape(self, cfg: dict[str, Any], items: list[tuple[int, dict[str, Any]]], top: bool,
                         path: str) -> Shape | None:
        first_at, first = items[0] if items else (0, {})
        at = f"{path}config.layers[{first_at}]"
        given = self.shape_of(first.get("config") or {}, at, strict=True)
        if given is not None:
            return given
        for key, holder, where in (("build_input_shape", cfg, f"{path}config"),
                                   ("input_shape", first.get("build_config") or {}, f"{at}.build_config")):
            candidate = holder.get(key)
            if isinstance(candidate, (list, tuple)) and candidate and not isinstance(candidate[0], (list, tuple)):
                try:
                    return checked_shape(candidate, key)
                except BadShape as e:
                    raise self.bad_shape(e, where) from e
        if top and self.options.input_shape is not None:
            return (None, *self.options.input_shape)
        return None

    # -- functional --------------------------------------------------------------------------------
    def functional(self, entry: dict[str, Any], path: str, stored: StoredTree | None) -> Graph:
        cfg = entry["config"]
        entries: list[dict[str, Any]] = cfg["layers"]
        names = [str(e.get("name") or e.get("config", {}).get("name")) for e in entries]
        position = {n: i for i, n in enumerate(names)}
        nodes = [self.nodes_of(e, f"{path}config.layers[{i}]") for i, e in enumerate(entries)]
        ends: list[Ref] = []
        for key in ("input_layers", "output_layers"):
            try:
                ends += flat_refs(cfg.get(key))
            except ValueError as e:
                raise InputError(f"cannot read '{key}': {e}", hint="the file may be damaged; write it again with "
                                 "model.to_json()", location=self.where(f"{path}config.{key}")) from e
        offsets = node_offsets(entries, nodes + [[ends]], position)
        order = self.topological(nodes, position, offsets, path)
        call_of = {key: i for i, key in enumerate(order)}
        keys = StoredKeys()
        layers = [self.layer(e, f"{path}config.layers[{i}]", stored, keys) for i, e in enumerate(entries)]
        for layer, entry in zip(layers, entries):
            set_call_options(layer.kind, entry)

        def ref(r: Ref, at: str) -> TensorRef:
            if r[0] not in position:
                raise InputError(f"a call refers to the layer '{r[0]}', which the model does not have",
                                 hint="the file may be damaged; write it again with model.to_json()", location=self.where(at))
            if r[2] < 0:
                raise InputError(f"a call refers to output {r[2]} of layer '{r[0]}'; outputs are numbered from 0",
                                 hint="the file may be damaged; write it again with model.to_json()", location=self.where(at))
            layer = position[r[0]]
            node = r[1] - offsets[layer]
            if (layer, node) not in call_of:
                raise InputError(f"a call refers to call {r[1]} of layer '{r[0]}', which the model does not have",
                                 location=self.where(at))
            return TensorRef(call_of[(layer, node)], r[2])

        calls = []
        for layer_index, node_index in order:
            at = f"{path}config.layers[{layer_index}].inbound_nodes[{node_index}]"
            refs = nodes[layer_index][node_index]
            calls.append(Call(layer_index, tuple(ref(r, at) for r in refs), self.where(at)))
        ins = [ref(r, f"{path}config.input_layers") for r in flat_refs(cfg.get("input_layers"))]
        outs = [ref(r, f"{path}config.output_layers") for r in flat_refs(cfg.get("output_layers"))]
        for key, found in (("input_layers", ins), ("output_layers", outs)):
            if not found:
                raise InputError(f"this functional model names no {key.split('_')[0]}s: '{key}' must list [layer, call, tensor] "
                                 f"entries; got {shown(cfg.get(key))}", hint="the file may be damaged; write it again with "
                                 "model.to_json()", location=self.where(f"{path}config.{key}"))
        name = str(cfg.get("name") or "model")
        return Graph("keras", name, tuple(layers), tuple(calls), tuple(ins), tuple(outs), self.source,
                     self.where(path or "config"), meta={"model_type": entry.get("class_name", "Functional")})

    def nodes_of(self, entry: dict[str, Any], path: str) -> list[list[Ref]]:
        if entry["class_name"] == "InputLayer":
            return [[]]
        out = []
        for j, node in enumerate(entry.get("inbound_nodes") or []):
            try:
                out.append(node_refs(node))
            except (TypeError, ValueError, IndexError, KeyError) as e:
                raise InputError(f"cannot read this call of the layer: {e}", hint="the file may be damaged",
                                 location=self.where(f"{path}.inbound_nodes[{j}]")) from e
        return out

    def topological(self, nodes: list[list[list[Ref]]], position: dict[str, int], offsets: list[int], path: str) -> list[tuple[int, int]]:
        """Calls in an order where every call comes after the calls it uses (config order where it can)."""
        waiting: dict[tuple[int, int], int] = {}
        users: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for i, layer_nodes in enumerate(nodes):
            for j, refs in enumerate(layer_nodes):
                deps = {(position[r[0]], r[1] - offsets[position[r[0]]]) for r in refs if r[0] in position}
                waiting[(i, j)] = len(deps)
                for d in deps:
                    users.setdefault(d, []).append((i, j))
        ready = [key for key, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            key = heapq.heappop(ready)
            order.append(key)
            for user in users.get(key, []):
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, user)
        if len(order) != len(waiting):
            stuck = min(k for k in waiting if k not in set(order))
            raise InputError("the model's calls form a cycle or refer to calls that do not exist",
                             hint="the file may be damaged", location=self.where(f"{path}config.layers[{stuck[0]}]"))
        return order

    # -- one layer -------------------------------------------------------------------------------
    def layer(self, entry: dict[str, Any], path: str, stored: StoredTree | None, keys: StoredKeys) -> Layer:
        type_name = str(entry.get("class_name", "?"))
        cfg = entry.get("config") or {}
        name = str(entry.get("name") or cfg.get("name") or snake_case(type_name))
        trainable = cfg.get("trainable", True) is not False
        key = keys.next(type_name)
        sub = None if stored is None else stored.children.get(name) or stored.children.get(key)
        tensors = sub.tensors if sub is not None else None
        if is_operation(entry):  # a function in the graph (Keras 3 ops, tf.keras TFOpLambda): no weights
            kind: Kind = Operation("keras", type_name, {"function": cfg.get("function")})
            if kind.caveat():
                self.warn("approximate_layer", f"{type_name} '{name}': {kind.caveat()}", path)
            return Layer(name, type_name, kind, self.where(path), trainable, hidden=type_name not in TF_OPS)
        kind = self.kind(entry, type_name, name, path, sub, trainable)
        return Layer(name, type_name, kind, self.where(path), trainable, stored=tensors)

    def kind(self, entry: dict[str, Any], type_name: str, name: str, path: str, sub: StoredTree | None, trainable: bool) -> Kind:
        cfg = entry.get("config") or {}
        if is_model(entry):
            return Submodel("keras", type_name, {"graph": self.model(entry, f"{path}.", sub)})
        inner = cfg.get("layer")
        found = kinds.lookup("keras", type_name) if isinstance(inner, dict) and is_model(inner) else None
        if found is not None and found[0].applies_models and isinstance(inner, dict):  # TimeDistributed(model)
            held = None if sub is None else sub.children.get("layer") or sub
            graph = self.model(inner, f"{path}.config.layer." if path else "", held)
            return Submodel("keras", type_name, {"graph": graph, "distributed": True})
        if type_name == "InputLayer":
            return Input("keras", "InputLayer", {"shape": self.shape_of(cfg, path) or ()})
        custom = is_custom(entry)
        if custom or kinds.lookup("keras", type_name) is None:
            return self.opaque(type_name, name, path, sub, trainable, custom)
        try:
            kind, _ = kinds.make("keras", type_name, [], layer_kwargs(cfg, lambda e, key: self.wrapped(e, f"{path}.config.{key}" if path else "")))
        except BadValue as e:
            at = f"{path}.config.{e.field}" if path and e.field else path
            raise InputError(f"{type_name} '{name}': {e.message}", hint=e.hint, location=self.where(at) if at else None) from e
        except KindError as e:
            self.warn("unreadable_layer", f"{type_name} '{name}': {e.message}; its count is shown as '?'", path, e.hint)
            return Unknown("keras", type_name, {})
        if kind.caveat():
            self.warn("approximate_layer", f"{type_name} '{name}': {kind.caveat()}", path)
        return kind

    def wrapped(self, entry: dict[str, Any], path: str = "") -> Layer:
        """A layer inside a wrapper's config (Bidirectional, TimeDistributed, RNN's cell), as a Layer."""
        self.check_entry(entry, path)
        type_name = str(entry.get("class_name"))
        cfg = entry.get("config") or {}
        name = str(cfg.get("name") or snake_case(type_name))
        trainable = cfg.get("trainable", True) is not False
        return Layer(name, type_name, self.kind(entry, type_name, name, path, None, trainable), trainable=trainable)

    def opaque(self, type_name: str, name: str, path: str, sub: StoredTree | None, trainable: bool, custom: bool) -> Kind:
        what = "holds code, which paramwise never runs" if type_name in CODE_LAYERS else (
            "is a custom layer, which paramwise never imports" if custom else "is a layer paramwise does not know")
        if sub is not None:
            self.warn("stored_only", f"{type_name} '{name}' {what}: its parameters are the tensors the file stores, "
                      "and its output shape is taken to be its input shape", path)
            return StoredWeights.of(type_name, sub.tensors, trainable)
        guess = "" if custom or type_name in CODE_LAYERS else kinds.suggest("keras", type_name)
        self.warn("unknown_layer", f"{type_name} '{name}' {what}: its parameters are counted as '?'", path,
                  f"did you mean {guess}?" if guess else "a .keras or .h5 file with weights gives its stored tensors")
        return Unknown("keras", type_name, {})

    def warn(self, code: str, message: str, path: str, hint: str = "") -> None:
        self.warnings.append(Diagnostic(code, message, self.where(path) if path else None, hint))


class StoredKeys:
    """The group names Keras 3 gives sublayers in model.weights.h5: snake_case class name, deduplicated."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, type_name: str) -> str:
        base = snake_case(type_name)
        n = self.counts.get(base, 0)
        self.counts[base] = n + 1
        return base if n == 0 else f"{base}_{n}"
