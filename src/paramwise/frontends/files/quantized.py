"""Quantized and packed safetensors checkpoints, counted as the model they pack.

A packed tensor's element count is not the model's parameter count: GPTQ packs eight 4-bit values into each
int32 of `qweight`, bitsandbytes two 4-bit values into each byte. Each layout below says how the logical
weight (out_features x in_features) follows from the stored shapes, in the layouts' own documentation:

- GPTQ (AutoGPTQ, GPTQModel, exllama): `qweight` int32 (in·bits/32, out), `qzeros` int32 (groups, out·bits/32),
  `scales` (groups, out), `g_idx` int32 (in,);
- AWQ (AutoAWQ GEMM): `qweight` int32 (in, out·bits/32), `qzeros` int32 (groups, out·bits/32), `scales` (groups, out);
- bitsandbytes 4-bit: `weight` uint8 (ceil(n/2), 1) with `weight.absmax`, `weight.quant_map`, `weight.nested_*`,
  `weight.quant_state.bitsandbytes__nf4|fp4`; 8-bit: `weight` int8 (out, in) with `SCB` (out,) and `weight_format`;
- FP8 (and int8 "w8a8" layouts): `weight` F8_E4M3/F8_E5M2/I8 (out, in) with `weight_scale` or `weight_scale_inv`
  and `input_scale`;
- compressed-tensors pack-quantized: `weight_packed` int32 (out, in·bits/32), `weight_scale`, `weight_zero_point`,
  `weight_shape` (2,);
- MXFP4 (gpt-oss experts): `{name}_blocks` uint8 (..., groups, 16) and `{name}_scales` uint8 (..., groups).

The bit width comes from `quantization_config` in a config.json beside the file when there is one, else from
the shapes (qzeros packs `out` values of `bits` bits). Quantization state (scales, zeros, g_idx, absmax ...) is
stored but is no parameter of the model: it is counted in the storage table, not in the total.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

from ...errors import InputError, Location
from ...frozen import record
from .module_tree import Tensor, natural_key

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_CONFIG_BYTES = 16 * 1024 * 1024
STATE_SUFFIXES = ("qzeros", "scales", "g_idx", "SCB", "weight_format", "weight_scale", "weight_scale_inv", "input_scale",
                  "weight_zero_point", "weight_shape", "weight_global_scale", "input_global_scale")
BNB_STATE = ("absmax", "quant_map", "nested_absmax", "nested_quant_map", "quant_state.bitsandbytes__nf4",
             "quant_state.bitsandbytes__fp4")
FLOAT8 = ("F8_E4M3", "F8_E5M2")


@record
class Policy:
    """One way of counting: how many tensors it covered, their logical values, and what is stored for them."""

    name: str
    tensors: int = 0
    logical: int = 0
    stored_values: int = 0
    stored_bytes: int = 0

    def add(self, logical: int, stored: list[Tensor]) -> None:
        self.tensors += 1
        self.logical += logical
        self.stored_values += sum(values(t) for t in stored)
        self.stored_bytes += sum(values(t) * t.bytes_per_value for t in stored)

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.name, "tensors": self.tensors, "logical_params": self.logical, "stored_values": self.stored_values,
                "stored_bytes": self.stored_bytes, "bits_per_weight": bits(self.stored_bytes, self.logical)}


def values(t: Tensor) -> int:
    n = 1
    for d in t.shape:
        n *= d
    return n


def bits(stored_bytes: int, logical: int) -> float | None:
    return round(8 * stored_bytes / logical, 3) if logical else None


def read_quantized(tensors: list[Tensor], path: str) -> tuple[list[Tensor], dict[str, Any]] | None:
    """The logical tensors and the storage table, or None when no packed layout is in the checkpoint."""
    names = {t.name: t for t in tensors}
    if not any(is_packed(name, t) for name, t in names.items()) and not mxfp4_pairs(names):
        return None
    config, config_name = quantization_config(path)
    method = str(config.get("quant_method", ""))[:40].lower() if config else ""
    bits_given = config.get("bits", config.get("w_bit")) if config else None
    policies: dict[str, Policy] = {}
    out: list[Tensor] = []
    used: set[str] = set()
    for base, (blocks, scales) in mxfp4_pairs(names).items():
        out.append(unpack_mxfp4(base, blocks, scales, path, policies))
        used.update((blocks.name, scales.name))
    for module, group in modules([t for t in tensors if t.name not in used]).items():
        logical = unpack(module, group, method, bits_given, path, policies)
        if logical is not None:
            out.append(logical)
            used.update(t.name for key, t in group.items() if key != "bias")
        elif is_state_only(group):  # a shard holding a layer's scales or zeros while its packed weight is in another
            orphan = policies.setdefault("quant state (packed weight in another shard)",
                                         Policy("quant state (packed weight in another shard)"))
            state = [t for key, t in group.items() if key in STATE_SUFFIXES or key.startswith("weight.")]
            orphan.add(0, state)
            used.update(t.name for t in state)
    plain = Policy("unquantized (stored as they are)")
    for t in tensors:
        if t.name not in used:
            out.append(t)
            plain.add(values(t), [t])
    out.sort(key=lambda t: natural_key(t.name))
    return out, storage_meta(tensors, list(policies.values()) + [plain], config, config_name, method)


def mxfp4_pairs(names: dict[str, Tensor]) -> dict[str, tuple[Tensor, Tensor]]:
    """gpt-oss' MXFP4 experts: `{name}_blocks` uint8 (..., groups, 16) with `{name}_scales` uint8 (..., groups)."""
    out = {}
    for name, t in names.items():
        if name.endswith("_blocks") and t.dtype == "U8" and name[: -len("_blocks")] + "_scales" in names:
            out[name[: -len("_blocks")]] = (t, names[name[: -len("_blocks")] + "_scales"])
    return out


def unpack_mxfp4(base: str, blocks: Tensor, scales: Tensor, path: str, policies: dict[str, Policy]) -> Tensor:
    """32 values of 4 bits per block (16 bytes) and one shared 8-bit scale: the last two dims hold a row."""
    if len(blocks.shape) < 2 or blocks.shape[-1] != 16 or scales.shape != blocks.shape[:-1]:
        raise bad(path, base, f"MXFP4 blocks {list(blocks.shape)} and scales {list(scales.shape)} do not pair "
                  "(blocks (..., groups, 16), scales (..., groups))")
    shape = (*blocks.shape[:-2], blocks.shape[-2] * 32)
    policy = "MXFP4 (32 values in 16 bytes + a scale)"
    tensor = Tensor(base, shape, "BF16", 2)
    policies.setdefault(policy, Policy(policy)).add(values(tensor), [blocks, scales])
    return tensor


def is_state_only(group: dict[str, Tensor]) -> bool:
    keys = set(group) - {"bias"}
    return bool(keys) and all(k in STATE_SUFFIXES or k.startswith("weight.") for k in keys) and (
        bool(keys & {"qzeros", "scales", "g_idx", "SCB"}) or any(k.startswith("weight.") for k in keys))


def is_packed(name: str, t: Tensor) -> bool:
    last = name.rsplit(".", 1)[-1]
    return (last in ("qweight", "weight_packed", "qzeros", "g_idx", "SCB") or name.endswith(BNB_STATE[-2:])
            or (t.dtype in FLOAT8 and last == "weight"))


def modules(tensors: list[Tensor]) -> dict[str, dict[str, Tensor]]:
    """Tensors grouped by the module that holds them; bitsandbytes' `weight.absmax` ... belong to `weight`."""
    out: dict[str, dict[str, Tensor]] = {}
    for t in tensors:
        for state in BNB_STATE:
            if t.name.endswith(".weight." + state):
                out.setdefault(t.name[: -len(".weight." + state)], {})["weight." + state] = t
                break
        else:
            module, _, last = t.name.rpartition(".")
            out.setdefault(module, {})[last] = t
    return out


def unpack(module: str, group: dict[str, Tensor], method: str, bits_given: Any, path: str,
           policies: dict[str, Policy]) -> Tensor | None:
    """The logical weight of one module, or None when the module is not packed."""
    found = None
    if "qweight" in group:
        found = unpack_int32(module, group, method, bits_given, path)
    elif "weight_packed" in group:
        found = unpack_compressed(module, group, bits_given, path)
    elif "weight" in group and any(("weight." + s) in group for s in BNB_STATE):
        found = unpack_bnb4(module, group, path)
    elif "weight" in group and "SCB" in group:
        found = ("bitsandbytes int8 (weight int8 + SCB)", group["weight"].shape)
    elif "weight" in group and (group["weight"].dtype in FLOAT8 or group["weight"].dtype == "I8") and (
            "weight_scale" in group or "weight_scale_inv" in group):
        found = (f"{group['weight'].dtype} with scales", group["weight"].shape)
    if found is None:
        return None
    if "weight" in group and ("qweight" in group or "weight_packed" in group):
        raise bad(path, module, "holds both a weight and a packed weight")
    policy, shape = found
    stored = [t for key, t in group.items() if key != "bias"]
    logical_dtype = scale_dtype(group)
    tensor = Tensor(f"{module}.weight" if module else "weight", tuple(shape), logical_dtype, 2)
    policies.setdefault(policy, Policy(policy)).add(values(tensor), stored)
    return tensor


def scale_dtype(group: dict[str, Tensor]) -> str:
    for key in ("scales", "weight_scale", "weight.absmax"):
        if key in group and group[key].dtype in ("F16", "BF16", "F32"):
            return group[key].dtype
    return "F16"


def bad(path: str, module: str, what: str) -> InputError:
    return InputError(f"packed module '{module[:80]}': {what}", hint="the file is damaged, or a packing layout paramwise does not know",
                      location=Location(path, path=module[:80]))


def unpack_int32(module: str, group: dict[str, Tensor], method: str, bits_given: Any,
                 path: str) -> tuple[str, tuple[int, ...]]:
    """GPTQ packs `in` along qweight's rows, AWQ `out` along its columns; scales (groups, out) tells which."""
    qweight = group["qweight"]
    if len(qweight.shape) != 2 or qweight.dtype not in ("I32", "U32", "int32"):
        raise bad(path, module, f"qweight must be a 2-D int32 tensor; got {qweight.dtype} {list(qweight.shape)}")
    rows, cols = qweight.shape
    scales = group.get("scales")
    out_features = scales.shape[-1] if scales is not None and scales.shape else None
    n_bits = packed_bits(group, bits_given, out_features)
    if out_features is None and n_bits is not None and method in ("gptq", "awq"):  # scales in another shard
        out_features = cols if method == "gptq" else cols * 32 // n_bits
    if n_bits is None or out_features is None:
        raise bad(path, module, "qweight without scales and qzeros (or a config's bits): its bit width is unknown")
    per_int = 32 // n_bits if 32 % n_bits == 0 else None
    if "g_idx" in group and group["g_idx"].shape:
        in_features = group["g_idx"].shape[0]
    elif method == "awq" or (method != "gptq" and cols != out_features):
        in_features = rows
    else:
        in_features = rows * 32 // n_bits
    awq = method == "awq" or (method != "gptq" and cols != out_features)
    if awq:
        if per_int is None or -(-out_features // per_int) != cols:
            raise bad(path, module, f"an AWQ qweight of {n_bits}-bit values for {out_features} outputs has "
                      f"{-(-out_features // (per_int or 1))} columns, not {cols}")
        return f"AWQ int{n_bits} (qweight packs outputs)", (out_features, in_features)
    if cols != out_features or rows * 32 < in_features * n_bits or (rows - 1) * 32 >= in_features * n_bits:
        raise bad(path, module, f"a GPTQ qweight {list(qweight.shape)} does not hold {in_features}×{out_features} values of {n_bits} bits")
    return f"GPTQ int{n_bits} (qweight packs inputs)", (out_features, in_features)


def packed_bits(group: dict[str, Tensor], bits_given: Any, out_features: int | None) -> int | None:
    if type(bits_given) is int and bits_given in (2, 3, 4, 8):
        return bits_given
    qzeros = group.get("qzeros")
    if qzeros is not None and len(qzeros.shape) == 2 and out_features:
        for n_bits in (4, 8, 2, 3):
            if -(-out_features * n_bits // 32) == qzeros.shape[1]:
                return n_bits
    return None


def unpack_compressed(module: str, group: dict[str, Tensor], bits_given: Any, path: str) -> tuple[str, tuple[int, ...]]:
    packed = group["weight_packed"]
    if len(packed.shape) != 2:
        raise bad(path, module, f"weight_packed must be 2-D; got {list(packed.shape)}")
    n_bits = bits_given if type(bits_given) is int and bits_given in (2, 4, 8) else None
    if n_bits is None:
        raise bad(path, module, "compressed-tensors weight_packed needs the config.json beside it (its num_bits)")
    return f"compressed-tensors int{n_bits} (weight_packed)", (packed.shape[0], packed.shape[1] * 32 // n_bits)


def unpack_bnb4(module: str, group: dict[str, Tensor], path: str) -> tuple[str, tuple[int, ...]]:
    """Two 4-bit values per byte; the quant state (a small JSON tensor) names the real shape, read when the
    file holds it (an odd count packs into one more half byte)."""
    weight = group["weight"]
    quant = "nf4" if "weight.quant_state.bitsandbytes__nf4" in group else "fp4"
    state = group.get(f"weight.quant_state.bitsandbytes__{quant}")
    shape = quant_state_shape(path, state.name) if state is not None else None
    packed = values(weight)
    if shape is not None and -(-values_of(shape) // 2) == packed:
        return f"bitsandbytes {quant} (weight packs 2 per byte)", shape
    return f"bitsandbytes {quant} (weight packs 2 per byte)", (packed * 2,)


def values_of(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def quant_state_shape(path: str, name: str) -> tuple[int, ...] | None:
    """The `shape` in a bitsandbytes quant state: a JSON text stored as a uint8 tensor of at most 4 KB."""
    from .checkpoint import open_regular, read_header

    if not path.endswith(".safetensors") or not os.path.isfile(path):
        return None
    try:
        header, _ = read_header(path)
        info = header.get(name)
        if not isinstance(info, dict):
            return None
        begin, end = info["data_offsets"]
        if info.get("dtype") != "U8" or not 0 < end - begin <= 4096:
            return None
        with open_regular(path) as f:
            (length,) = struct.unpack("<Q", f.read(8))
            f.seek(8 + length + begin)
            state = json.loads(f.read(end - begin))
    except (InputError, OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    shape = state.get("shape") if isinstance(state, dict) else None
    if isinstance(shape, list) and 0 < len(shape) <= 8 and all(type(d) is int and 0 < d < 2**40 for d in shape):
        return tuple(shape)
    return None


def quantization_config(path: str) -> tuple[dict[str, Any] | None, str]:
    """`quantization_config` of the config.json beside the checkpoint (or `quantize_config.json`, AutoGPTQ's own)."""
    folder = Path(os.path.abspath(path))
    folder = folder if folder.is_dir() else folder.parent
    for name, key in (("config.json", "quantization_config"), ("quantize_config.json", None), ("quant_config.json", None)):
        file = folder / name
        if not file.is_file():
            continue
        try:
            with open(file, "rb") as f:
                raw = f.read(MAX_CONFIG_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_CONFIG_BYTES else None
        except (OSError, ValueError, RecursionError):
            continue
        found = data.get(key) if key and isinstance(data, dict) else data
        if isinstance(found, dict):
            return flatten_config(found), f"{name}" + (f" {key}" if key else "")
    return None, ""


def flatten_config(config: dict[str, Any]) -> dict[str, Any]:
    """compressed-tensors keeps num_bits in config_groups.*.weights; bitsandbytes says load_in_4bit."""
    out = dict(config)
    groups = config.get("config_groups")
    if isinstance(groups, dict):
        for group in groups.values():
            weights = group.get("weights") if isinstance(group, dict) else None
            if isinstance(weights, dict) and type(weights.get("num_bits")) is int:
                out.setdefault("bits", weights["num_bits"])
                break
    return out


def storage_meta(tensors: list[Tensor], policies: list[Policy], config: dict[str, Any] | None, config_name: str,
                 method: str) -> dict[str, Any]:
    policies = [p for p in policies if p.tensors]
    logical = sum(p.logical for p in policies)
    stored_bytes = sum(values(t) * t.bytes_per_value for t in tensors)
    stored_values = sum(values(t) for t in tensors)
    source = f"{method or 'quantization'} from {config_name}" if config else "recognised from the tensor names"
    storage = {"format": method or "packed", "source": source, "logical_params": logical, "stored_values": stored_values,
               "stored_bytes": stored_bytes, "bits_per_weight": bits(stored_bytes, logical),
               "policies": [p.to_json() for p in policies]}
    return {"storage": storage, "stored_bytes": stored_bytes, "notes": storage_lines(storage)}


def storage_lines(storage: dict[str, Any]) -> list[str]:
    """The storage table as text lines: which policy produced each number."""
    lines = [f"Packed checkpoint: {storage['source']}",
             f"  {storage['logical_params']:,} logical params stored as {storage['stored_values']:,} values in "
             f"{storage['stored_bytes']:,} bytes = {storage['bits_per_weight']} bits per weight"]
    head = ("policy", "tensors", "logical params", "stored values", "stored bytes", "bits/weight")
    rows = [head] + [(p["policy"], f"{p['tensors']:,}", f"{p['logical_params']:,}", f"{p['stored_values']:,}",
                      f"{p['stored_bytes']:,}", str(p["bits_per_weight"])) for p in storage["policies"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        lines.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return lines
