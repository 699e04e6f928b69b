"""Hugging Face `config.json` files and model folders, counted from the config alone (transformers is not
needed, nothing is downloaded, nothing named by the config is imported): the module tree transformers would
build, row by row, with each row's formula. The class counted is the one the config names (`architectures`) where
paramwise knows its head (heads.py: masked-LM, classification, pre-training heads ...); otherwise decoder-only
families are counted as `...ForCausalLM`, encoder-decoders as `...ForConditionalGeneration`, encoders as their
base model (`BertModel`), and the policy line says the named class's head is not counted.

Mixture-of-experts models also get the parameters active per token: the experts a token is routed to
(`num_experts_per_tok` of the experts), and everything else (attention, routers, shared experts, norms,
embeddings) in full. `--no-embeddings` leaves out the token and position embedding tables and the output
projection onto the vocabulary; a tied output projection is counted once, at the embedding.

A `model_type` with no description here is built by transformers itself, if it is installed, on the meta
device (no memory, no weights) and read like a live module; never with remote code."""

from __future__ import annotations

import os
import stat

from ....errors import Diagnostic, InputError, KindError, Location
from ....frozen import replace
from ....ir import Graph
from ... import Found, ReadOptions, load
from ..json_text import parse_json
from .build import EMBEDDING, OUTPUT, Model, Module, graph_of
from .cache import kv_cache
from .families import FAMILIES, supported
from .heads import for_class
from .vocab import checked

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

CONFIG_NAME = "config.json"
DEPTH = 3  # rows shown without --depth: the blocks (folded), and the first block's attention, MLP and norms
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def sniff(path: str, head: bytes) -> bool:
    """A JSON object with a `model_type` (what every transformers config.json has) and no Keras class."""
    start = head.lstrip()[:1]
    if start != b"{" or b'"model_type"' not in head:
        return False
    return b'"class_name"' not in head[:4096] or b'"architectures"' in head


def read(path: str, text: str, options: ReadOptions) -> tuple[list[Found], int]:
    data = parse_json(text, path, "give the model's config.json")
    return [read_config(data, path, options)], 0


def sniff_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, CONFIG_NAME))


def read_dir(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    """A model folder: its config.json counted, and the checkpoint beside it (if any) read from its headers as a
    second model (`--model weights`), with a warning when the two disagree."""
    config = os.path.join(path, CONFIG_NAME)
    try:
        fd = os.open(config, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError("config.json is not a regular file", location=Location(config))
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as e:
        raise InputError(f"cannot read this config ({e.strerror or type(e).__name__})", location=Location(config)) from e
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(f"config.json is larger than any model config ({MAX_CONFIG_BYTES // 2**20} MB)",
                         hint="is this the model's config.json?", location=Location(config))
    data = parse_json(raw.decode("utf-8", "replace"), config, "give the model's config.json")
    found = read_config(data, config, options)
    found = replace(found, name=os.path.basename(os.path.realpath(path)) or found.name)
    weights = read_weights(path, options)
    if found.graph is not None:
        found = replace(found, graph=checked(path, found.graph, weights.graph if weights is not None else None))
    if weights is None:
        return [found], 0
    if weights.graph is not None and found.graph is not None and not options.no_embeddings:
        found = replace(found, graph=compared(found.graph, weights.graph))
    chosen = 1 if options.model == WEIGHTS else 0
    if options.model not in (None, WEIGHTS, found.name):
        raise InputError(f"--model {options.model[:60]!r}: this folder holds '{found.name}' (its config) and "
                         f"'{WEIGHTS}' (its checkpoint)", hint=f"--model {WEIGHTS} shows the checkpoint's tensors")
    return [found, weights], chosen


WEIGHTS = "weights"


def read_weights(path: str, options: ReadOptions) -> Found | None:
    """The checkpoint beside the config (safetensors, shards and their index), read by the checkpoint reader
    from its headers; None when the folder holds none."""
    checkpoint = load("files.checkpoint")
    if not checkpoint.sniff_dir(path):
        return None
    try:
        found, chosen = checkpoint.read_dir(path, options)
    except InputError as e:
        return Found(WEIGHTS, None, e)
    weights: Found = found[chosen]
    return replace(weights, name=WEIGHTS)


def compared(graph: Graph, weights: Graph) -> Graph:
    """The config's graph, with a warning when the checkpoint beside it holds another number of values."""
    from ....infer import infer

    ours, stored = infer(graph).total, infer(weights).total
    if ours == stored:
        return graph
    note = Diagnostic(
        "stored_mismatch", f"the checkpoint beside the config holds {stored:,} values; the config describes "
        f"{ours:,} parameters", Location(graph.source),
        "a quantized or packed checkpoint stores other tensors (see --model weights); otherwise the config may not "
        "be this checkpoint's")
    return replace(graph, warnings=(*graph.warnings, note))


def read_config(data: Any, path: str, options: ReadOptions) -> Found:
    if not isinstance(data, dict):
        raise InputError("a Hugging Face config is a JSON object", hint="give the model's config.json", location=Location(path))
    model_type = data.get("model_type")
    if not isinstance(model_type, str) or not model_type:
        raise InputError("the config has no 'model_type'", hint="give the model's config.json, as transformers saves it",
                         location=Location(path, path="model_type"))
    family = FAMILIES.get(model_type)
    if family is None:
        return on_meta_device(data, model_type, path, options)
    try:
        config = family.config(data, path)
        model = for_class(model_type, family.build(config), config, named_class(data))
    except KindError as e:  # a size worked out from several values is one no layer can have
        raise InputError(f"the config makes a layer no model can have: {e.message}",
                         hint="check the sizes in the config", location=Location(path)) from None
    leave_out = frozenset({EMBEDDING, OUTPUT}) if options.no_embeddings else frozenset()
    meta = {"model_type": f"{model_type} ({model.class_name})", "counting": counting(model, leave_out, named_class(data)),
            "fold_repeats": True, "depth": DEPTH, "kv_cache": cache_of(model_type, config)}
    stored = stored_dtype(data)
    if stored is not None:  # the checkpoint's dtype: its values and bytes, and the total's size at that dtype
        count = counted(model, leave_out)
        meta["dtypes"] = {stored[0]: {"count": count, "bytes": count * stored[1]}}
        meta["stored_bytes"] = count * stored[1]  # (transformers loads a config's weights in its dtype)
    graph = graph_of(model, model.class_name, path, meta, leave_out)
    name = os.path.basename(path)
    return Found(name if name != CONFIG_NAME else model.class_name, graph)


def cache_of(model_type: str, config: Any) -> dict[str, Any]:
    """The KV cache's description; a value it needs that is not one (a window that is not a number) is said when
    the cache is asked for (--seq-len), not an error of the count."""
    try:
        return kv_cache(model_type, config)
    except InputError as e:
        return {"none": e.message}


DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "float8_e4m3fn": 1, "float8_e5m2": 1}


def stored_dtype(data: dict[str, Any]) -> tuple[str, int] | None:
    """The dtype the config says the weights are saved in (`torch_dtype`, `dtype` from transformers 5 on)."""
    for key in ("dtype", "torch_dtype"):
        value = data.get(key)
        if isinstance(value, str) and value in DTYPE_BYTES:
            return value, DTYPE_BYTES[value]
    return None


def counted(model: Model, leave_out: frozenset[str]) -> int:
    """The parameters of the modules kept, tied ones once (what infer's total will be)."""
    total, seen = 0, {}
    for m in model.modules:
        if m.role in leave_out:
            continue
        key = id(m.kind)
        if key not in seen:
            seen[key] = sum(int(w.count) for w in m.kind.weights(None) if not w.is_buffer)
        total += seen[key] - (tied_count(m) if m.tied_to else 0)
    return total


def tied_count(m: Module) -> int:
    return sum(int(w.count) for w in m.kind.weights(None) if w.name == "weight")


def named_class(data: dict[str, Any]) -> str:
    """The class the config says its checkpoint is (`architectures`), '' when it names none."""
    names = data.get("architectures")
    return names[0][:80] if isinstance(names, list) and names and isinstance(names[0], str) else ""


def counting(model: Model, leave_out: frozenset[str], named: str = "") -> dict[str, Any]:
    """How the totals were counted, and for a mixture of experts the parameters active per token."""
    head = f" (the config names {named}: a task head it adds is not counted)" if named and named != model.class_name else ""
    policy = [model.class_name + head, "without embeddings (token and position tables, output projection)" if leave_out
              else "with embeddings", "tied weights counted once"]
    out: dict[str, Any] = {"class": model.class_name, "embeddings": not leave_out}
    if model.moe:
        idle = sum(b.params * (b.experts - b.per_token) // b.experts for b in model.moe)
        first = model.moe[0]
        out["inactive"] = idle
        out["experts"] = first.experts
        out["experts_per_token"] = first.per_token
        rest = "routers, attention and norms" if leave_out else "routers, attention, norms and embeddings"
        policy.append(f"active per token: {first.per_token} of {first.experts} routed experts, and all shared experts, {rest}")
    out["policy"] = "; ".join(policy)
    return out


def on_meta_device(data: dict[str, Any], model_type: str, path: str, options: ReadOptions) -> Found:
    """A model_type with no description here: transformers builds it on the meta device, if it is installed."""
    try:
        import torch
        import transformers as installed
    except ImportError:
        raise InputError(
            f"model_type '{model_type[:60]}' is not one paramwise knows, and transformers is not installed to build it",
            hint=f"paramwise counts these from the config alone: {', '.join(supported())}; for others, "
                 "pip install transformers torch", location=Location(path, path="model_type")) from None
    if options.no_embeddings:
        raise InputError("--no-embeddings needs a model_type paramwise describes itself",
                         hint=f"these: {', '.join(supported())}", location=Location(path, path="model_type"))
    transformers: Any = installed  # its API is not typed
    config_class = transformers.CONFIG_MAPPING[model_type] if model_type in transformers.CONFIG_MAPPING else None
    if config_class is None:
        raise InputError(f"model_type '{model_type[:60]}' is known neither to paramwise nor to transformers "
                         f"{transformers.__version__}",
                         hint=f"paramwise counts these from the config alone: {', '.join(supported())}",
                         location=Location(path, path="model_type"))
    fields = {k: v for k, v in data.items() if k not in ("auto_map", "model_type", "transformers_version")}
    verbosity = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_error()  # its notes on the config's values are not paramwise's warnings
    try:
        config = config_class(**fields)
        with torch.device("meta"):
            module = transformers.AutoModel.from_config(config, trust_remote_code=False)
    except Exception as e:  # noqa: BLE001 -- transformers' own errors for a config it cannot build
        raise InputError(f"transformers could not build model_type '{model_type[:60]}' from this config: "
                         f"{type(e).__name__}: {str(e)[:200]}", location=Location(path)) from None
    finally:
        transformers.logging.set_verbosity(verbosity)
    live = load("live.torch")
    warnings: list[Diagnostic] = []
    name = type(module).__name__
    layers = live.read_module(module, name, warnings)
    warnings.insert(0, Diagnostic(
        "meta_device", f"model_type '{model_type[:60]}' has no description in paramwise: transformers "
        f"{transformers.__version__} built {name} on the meta device, and its modules were counted",
        Location(path, path="model_type"), "the count is transformers' own; its formulas are those of the modules it holds"))
    graph = Graph(framework="torch", name=name, layers=tuple(layers), source=path, warnings=tuple(warnings),
                  meta={"model_type": f"{model_type} ({name}, built by transformers)",
                        "counting": {"class": name, "embeddings": True, "policy": f"{name} as transformers built it"},
                        "fold_repeats": True, "kv_cache": built_cache(transformers, config, module, model_type)})
    return Found(name, graph)


def built_cache(transformers: Any, config: Any, module: Any, model_type: str) -> dict[str, Any]:
    """The KV cache of a model transformers built: its cache's layer types and windows (transformers' own reading
    of the config), each layer keeping its self-attention's k_proj and v_proj outputs per token. Anything else
    (other layer types, other projections, layers of different widths) is not sized."""
    none = {"none": f"the KV cache of model_type '{model_type[:60]}' (built by transformers) is not described"}
    try:
        from transformers.cache_utils import get_layer_types_and_kwargs

        types, per_layer = get_layer_types_and_kwargs(config.get_text_config(decoder=True))
    except Exception:  # noqa: BLE001 -- a config transformers' cache cannot read: no figure, said so
        return none
    widths: dict[str, list[int]] = {}
    for name, sub in module.named_modules():
        for end in ("self_attn.k_proj", "self_attn.v_proj"):
            if name.endswith(end) and isinstance(getattr(sub, "out_features", None), int):
                widths.setdefault(name[: -len(end)], []).append(sub.out_features)
    per_token = {sum(w) for w in widths.values() if len(w) == 2}
    if len(widths) != len(types) or len(per_token) != 1 or any(len(w) != 2 for w in widths.values()):
        return none
    windows: list[int | None] = []
    for kind, kwargs in zip(types, per_layer):
        if kind == "full_attention":
            windows.append(None)
        elif kind == "sliding_attention" and isinstance(kwargs.get("sliding_window"), int):
            windows.append(kwargs["sliding_window"])
        else:
            return {"none": f"layer type '{str(kind)[:40]}' of model_type '{model_type[:60]}' is not one whose cache "
                            "paramwise sizes"}
    size = per_token.pop()
    return {"per_token": size, "what": f"{size:,} (k_proj + v_proj widths, as transformers built them)", "windows": windows}


__all__ = ["sniff", "read", "sniff_dir", "read_dir"]
