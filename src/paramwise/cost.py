"""What running a model costs: its multiply-accumulates (the rows carry them, from the kinds) and its memory,
each term with the formula that gives it.

What is counted, said once:
- 1 MAC (multiply-accumulate) = 2 FLOPs. paramwise counts the matrix products and convolutions: Dense/Linear
  on any rank, convolutions (groups, dilation, stride), transposed and separable convolutions, each recurrent
  kernel at every step, attention's projections and its Q·Kᵀ and A·V with the real head counts, einsum
  layers, Dot, and `@`/F.linear/scaled_dot_product_attention in a forward. That is what torch's own
  `torch.utils.flop_counter.FlopCounterMode` counts (mm, addmm, bmm, baddbmm, convolution, scaled dot
  product attention), and the tests compare the two on every case with an input shape.
- Not counted (0 MACs): elementwise operations and activations, biases, normalizations, pooling, softmax,
  embedding lookups (a lookup multiplies nothing), reshapes. One deliberate difference: nn.Bilinear's
  products are counted; FlopCounterMode has no formula for the aten._trilinear it runs and counts 0.
- Forward + backward = 3 × forward: the backward of each product is two products of its size (the gradient
  of its input and of its weight), as FlopCounterMode counts them. Autograd skips the input gradient of the
  first layer, so a measured training step can be lower by up to that layer's forward.

Memory: weights × bytes per value (the model's own dtypes, or --dtype); inference adds a decoder's KV cache for
--seq-len tokens (as the family keeps it: GQA, sliding windows, MLA's latent; frontends/files/hf/cache.py);
training adds a gradient per trainable value, the optimizer's states, with 16-bit weights an fp32 master copy
(mixed precision), and the activations autograd keeps for backward, each tensor once (infer/saved.py; a lower
bound, said so, where some operation's are not known). Frozen weights have no gradient and no state. A term
that cannot be sized is listed under "not counted", never left out in silence. Bytes are shown in binary units by default, named as they are (MiB = 2²⁰ B,
GiB = 2³⁰ B: what Keras' summary, accelerate's estimate-memory and nvidia-smi count, though the first two
print "MB"/"GB"); --units decimal shows MB = 10⁶ B (torchinfo's unit). --max-memory reads 16GB as 16·10⁹ B
and 16GiB as 16·2³⁰ B.
"""

from __future__ import annotations

import math
import re

from .errors import InputError
from .formula import Dim, PerBatch, is_symbolic, render_count, symbol
from .frozen import frozen, replace
from .report import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

DTYPES: dict[str, float] = {"fp32": 4, "bf16": 2, "fp16": 2, "int8": 1, "int4": 0.5}
OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "adafactor", "adam8bit")
# bitsandbytes' 8-bit Adam: two 8-bit states with one fp32 scale per block of 2,048 values each; tensors of
# fewer than 4,096 values keep 32-bit states (its min_8bit_size)
BLOCK, MIN_8BIT = 2048, 4096
UNITS = {"decimal": (1000, ("B", "KB", "MB", "GB", "TB")), "binary": (1024, ("B", "KiB", "MiB", "GiB", "TiB"))}


@frozen
class Settings:
    """What the user asked of the cost: the weights' dtype (None: the model's own), an optimizer (None: no
    training figures), the units, and sizes for an open batch axis."""

    dtype: str | None = None
    optimizer: str | None = None
    units: str = "binary"
    batch: int | None = None
    memory: bool = False  # show the memory section even with no dtype or optimizer asked
    seq_len: int | None = None  # tokens held in a language model's KV cache


@frozen
class Term:
    """One term of a memory figure: its name, bytes and the formula that makes them."""

    name: str
    formula: str
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "formula": self.formula, "bytes": self.bytes}


# -- sizes ---------------------------------------------------------------------------------------------------


def size_text(n: Dim, units: str = "binary") -> str:
    """`16.00 GB` (decimal) or `14.90 GiB` (binary); an unknown size as its formula."""
    if not isinstance(n, int):
        return f"{n} B"
    base, names = UNITS[units]
    size = float(n)
    for name in names:
        if size < base or name == names[-1]:
            return f"{n} B" if name == "B" else f"{size:,.2f} {name}"
        size /= base
    return f"{n} B"


_AMOUNT = r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$"
COUNT_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
BYTE_SUFFIX = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
               "tib": 2**40, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "": 1}


def parse_amount(text: str, option: str, suffixes: dict[str, int]) -> int:
    """`10M` -> 10,000,000 (counts); `16GB` -> 16·10⁹ and `16GiB` -> 16·2³⁰ (bytes)."""
    found = re.match(_AMOUNT, text or "")
    if not found or found.group(2).lower() not in suffixes:
        examples = "10M, 1.5B or 250000" if suffixes is COUNT_SUFFIX else "16GB, 512MB or 24GiB"
        raise InputError(f"{option} {text!r:.40} is not an amount", hint=f"e.g. {option} {examples.split(',')[0]} ({examples})")
    number, suffix = found.groups()
    return int(float(number) * suffixes[suffix.lower()]) if "." in number else int(number) * suffixes[suffix.lower()]


# -- multiply-accumulates ------------------------------------------------------------------------------------


def with_batch(value: Dim, batch: int | None) -> Dim:
    """`value` with the open batch axis given its size (a formula in `batch` otherwise)."""
    if isinstance(value, PerBatch):
        return value if batch is None else value.at(batch)
    if batch is None or not is_symbolic(value):
        return value
    out = value.subs(symbol("batch"), batch)
    return int(out) if getattr(out, "is_Integer", False) else out


def macs_text(value: Dim) -> str:
    """`1,234,567`, `81,920·batch`, or `?` for not counted."""
    if value is None:
        return "?"
    if isinstance(value, PerBatch):
        return f"{value.n:,}·batch"
    if is_symbolic(value):
        coefficient = value.coeff(symbol("batch")) if value.free_symbols == {symbol("batch")} else None
        if coefficient is not None and getattr(coefficient, "is_Integer", False) and value == coefficient * symbol("batch"):
            return f"{int(coefficient):,}·batch"
        return str(value).replace("**", "^").replace("*", "·")
    return render_count(value)


def short_count(n: int) -> str:
    """1.23 G, 456.7 M: a count of operations for people."""
    for scale, name in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if n >= scale:
            return f"{n / scale:.2f} {name}"
    return str(n)


def compute_lines(report: Report, settings: Settings) -> list[str]:
    """The totals' lines on compute: forward MACs and FLOPs, and forward + backward; or why they are unknown."""
    if report.macs is None:
        if report.macs_missing and not report.macs_missing[0].startswith("no input shape"):
            more = f" (and {len(report.macs_missing) - 1} more)" if len(report.macs_missing) > 1 else ""
            return [f"MACs: not counted: {report.macs_missing[0]}{more}"]
        return []
    macs = with_batch(report.macs, settings.batch)
    if isinstance(macs, int):
        short = f" ({short_count(2 * macs)}FLOPs)" if 2 * macs >= 1000 else ""
        return [f"Forward: {macs:,} MACs = {2 * macs:,} FLOPs{short}; "
                f"forward + backward ≈ 3 × forward = {6 * macs:,} FLOPs"]
    return [f"Forward: {macs_text(macs)} MACs (2 FLOPs each; give --batch for a number); forward + backward ≈ 3 × forward"]


# -- memory --------------------------------------------------------------------------------------------------


def param_weights(report: Report) -> list[Any]:
    """The parameter tensors the totals count (tied ones once, buffers apart)."""
    top = [r for r in report.rows if r.depth == 0] if report.framework == "keras" else [r for r in report.rows if r.parent is None]
    return [w for r in top if r.params is not None for w in r.weight_objects if not w.is_buffer and w.name not in dict(r.shared)]


def buffer_weights(report: Report) -> list[Any]:
    top = [r for r in report.rows if r.depth == 0] if report.framework == "keras" else [r for r in report.rows if r.parent is None]
    return [w for r in top if r.params is not None for w in r.weight_objects if w.is_buffer]


def nbytes(count: int, per: float) -> int:
    return math.ceil(count * per)


def memory_terms(report: Report, settings: Settings) -> tuple[list[Term], list[Term]] | str:
    """(inference terms, training terms; empty without an optimizer), or why memory cannot be sized."""
    if not all(isinstance(n, int) for n in (report.total, report.trainable, report.non_trainable)):
        return "the parameter count is a formula: bind its sizes (--set) to size the memory"
    if report.total_bytes is None or not isinstance(report.total_bytes, int):
        return "the weights' sizes are not known"
    dtype = settings.dtype
    total, trainable = report.total, report.trainable
    stored = report.meta.get("dtypes", {})  # checkpoints and configs: the bytes of each dtype they store
    own_bytes = sum(e["bytes"] for e in stored.values()) if stored and all(isinstance(e.get("bytes"), int) for e in stored.values()) else report.total_bytes
    if dtype is None:
        own = own_dtype_text(report)
        per_value = own_bytes / total if total else 4
        each = f" × {per_value:g} B" if "," not in own else ""
        weights = Term("weights", f"{total:,} params{each} ({own}: the model's own)", own_bytes)
    else:
        per_value = DTYPES[dtype]
        weights = Term("weights", f"{total:,} params × {per_value:g} B ({dtype})", nbytes(total, per_value))
    inference = [weights]
    buffers = [w for w in buffer_weights(report) if isinstance(w.count, int)]
    if buffers:
        n = sum(w.count for w in buffers)
        inference.append(Term("buffers", f"{n:,} values (own dtypes)", sum(w.count * w.bytes_per_value for w in buffers)))
    training = list(inference)  # the weights and buffers; a KV cache is for generation only
    cache = kv_cache_term(report, settings, per_value)
    if isinstance(cache, Term):
        inference.append(cache)
    if settings.optimizer is None:
        return inference, []
    if dtype in ("int8", "int4"):
        raise InputError(f"training {dtype} weights is not sized: gradients need floating-point weights",
                         hint="give --dtype fp32, bf16 or fp16 with --optimizer (QLoRA-style adapters are not modelled)")
    mixed = per_value < 4  # 16-bit weights train with an fp32 master copy
    grad = 2 if mixed else 4
    frozen = f" (the {report.non_trainable:,} frozen params have none)" if report.non_trainable else ""
    training.append(Term("gradients", f"{trainable:,} trainable × {grad} B{frozen}", trainable * grad))
    if mixed:
        training.append(Term("fp32 master weights", f"{trainable:,} trainable × 4 B (mixed precision)", trainable * 4))
    training.append(optimizer_term(report, settings.optimizer, trainable))
    activations = activations_term(report)
    if isinstance(activations, Term):
        training.append(activations)
    return inference, training


def activations_term(report: Report) -> Term | str:
    """The activations a training step keeps for backward (infer/saved.py: each tensor autograd saves, once, at
    the input's batch), or why they are not sized. A lower bound says so in its name and lists what it misses."""
    saved = report.meta.get("saved")
    if saved is None:
        why = ("Keras layers do not say what they keep" if report.framework == "keras" else
               "known for PyTorch source read with an input shape (--input-shape, or --batch/--seq-len)")
        return f"activations kept for backward: not sized ({why})"
    if "unknown" in saved:
        return f"activations kept for backward: not sized ({saved['unknown']})"
    batch = report.input_shapes[0][0] if report.input_shapes and isinstance(report.input_shapes[0], tuple) and report.input_shapes[0] else None
    at = f" at batch {batch}" if isinstance(batch, int) else ""
    formula = f"{saved['tensors']:,} tensors autograd keeps{at}, each once"
    if saved["complete"]:
        return Term("activations", formula, saved["bytes"])
    misses = [*saved["missing"][:3], *(f"{name}'s forward (its F.relu, torch.tanh ... are not recorded)"
                                        for name in saved.get("own_forward", [])[:2])]
    more = len(saved["missing"]) - 3
    misses_text = ", ".join(misses) + (f" and {more} more" if more > 0 else "")
    return Term("activations ≥", f"{formula}; not known: {misses_text}", saved["bytes"])


def kv_cache_term(report: Report, settings: Settings, per_value: float) -> Term | str | None:
    """A decoder's KV cache for --seq-len tokens and --batch sequences, or why it is not sized. A Hugging Face
    config says what each layer keeps per token and which layers slide (frontends/files/hf/cache.py: GQA, sliding
    windows, MLA's latent); a sliding layer holds min(tokens, window). Elsewhere every self-attention layer keeps
    its keys and values, k_proj's and v_proj's widths per token. The cache is in the weights' dtype, 16-bit for
    int8/int4 weights (they compute in 16-bit)."""
    if settings.seq_len is None:
        return None
    batch, seq = settings.batch or 1, settings.seq_len
    size = per_value if per_value >= 2 else 2
    described = report.meta.get("kv_cache")
    if isinstance(described, dict) and "none" in described:
        return str(described["none"])
    if isinstance(described, dict) and "zero" in described:
        return Term("KV cache", f"none ({described['zero']})", 0)
    if isinstance(described, dict):
        return described_cache(described, seq, batch, size)
    keys = [r for r in report.rows if r.kind == "Dense" and r.name.endswith("self_attn.k_proj") and r.weight_objects]
    values = [r for r in report.rows if r.kind == "Dense" and r.name.endswith("self_attn.v_proj") and r.weight_objects]
    if not keys or len(keys) != len(values):
        return None
    widths = [r.weight_objects[0].shape[0] for r in keys + values]  # torch's (out_features, in_features)
    if not all(isinstance(w, int) for w in widths):
        return None
    count = sum(widths) * seq * batch
    same = len(set(widths)) == 1
    per_layer = f"{widths[0]:,} (kv_heads·head_dim)" if same else f"{sum(widths) // 2:,} summed over layers"
    formula = (f"2 (K, V) · {len(keys)} layers · {per_layer} · {seq:,} tokens · {batch} batch · {size:g} B" if same else
               f"2 (K, V) · {per_layer} · {seq:,} tokens · {batch} batch · {size:g} B")
    return Term("KV cache", formula, nbytes(count, size))


def described_cache(described: dict[str, Any], seq: int, batch: int, size: float) -> Term:
    """The KV cache of a config's layers: `per_token` values a layer keeps per token, `windows` (None: full)."""
    windows: list[int | None] = described["windows"]
    full = sum(1 for w in windows if w is None)
    kind = "full-attention " if full < len(windows) else ""
    groups = [(full, seq, f"{full:,} {kind}layer{'s' if full != 1 else ''} · {seq:,} tokens")] if full else []
    for window in sorted({w for w in windows if w is not None}):
        n = sum(1 for w in windows if w == window)
        held = min(seq, window)
        tokens = f"{held:,} tokens (the window)" if window < seq else f"{seq:,} tokens (within the {window:,} window)"
        groups.append((n, held, f"{n:,} sliding layer{'s' if n != 1 else ''} · {tokens}"))
    token_slots = sum(n * held for n, held, _ in groups)
    layers = " + ".join(text for _, _, text in groups) if groups else "0 layers"
    if len(groups) > 1:
        layers = f"({layers})"
    formula = f"{described['what']} · {layers} · {batch} batch · {size:g} B"
    positions = described.get("positions")
    if isinstance(positions, int) and seq > positions:
        formula += f" ({seq:,} tokens > the {positions:,} of max_position_embeddings)"
    return Term("KV cache", formula, nbytes(described["per_token"] * token_slots * batch, size))


def optimizer_term(report: Report, optimizer: str, trainable: int) -> Term:
    name = f"{optimizer} states"
    if optimizer == "sgd":
        return Term(name, "none (plain SGD keeps no state)", 0)
    if optimizer == "momentum":
        return Term(name, f"{trainable:,} trainable × 4 B (one fp32 momentum buffer)", trainable * 4)
    if optimizer in ("adam", "adamw"):
        return Term(name, f"{trainable:,} trainable × 8 B (two fp32 moments)", trainable * 8)
    tensors = [w for w in param_weights(report) if w.trainable and isinstance(w.count, int)]
    if optimizer == "adafactor":  # second moment factored into row and column sums of matrices, no first moment
        values = sum(factored(tuple(w.shape)) for w in tensors)
        return Term(name, f"{values:,} fp32 values × 4 B (row + column statistics of each matrix; vectors whole)", values * 4)
    small = sum(w.count for w in tensors if w.count < MIN_8BIT)
    large = [w.count for w in tensors if w.count >= MIN_8BIT]
    blocks = sum(math.ceil(n / BLOCK) for n in large)
    return Term(name, f"{sum(large):,} × 2 B (two 8-bit states) + {blocks:,} blocks × 2 × 4 B (fp32 scales) + "
                f"{small:,} in tensors under {MIN_8BIT:,} values × 8 B", 2 * sum(large) + 8 * blocks + 8 * small)


def factored(shape: tuple[int, ...]) -> int:
    """Adafactor's second-moment values for a tensor: r + c per matrix of its last two axes; n for a vector."""
    if len(shape) < 2:
        return math.prod(shape)
    return math.prod(shape[:-2]) * (shape[-2] + shape[-1])


def own_dtype_text(report: Report) -> str:
    if "dtypes" in report.meta:
        return ", ".join(report.meta["dtypes"])
    sizes = sorted({w.bytes_per_value for w in param_weights(report)})
    names = {4: "fp32", 2: "16-bit", 1: "8-bit", 8: "fp64"}
    return ", ".join(names.get(s, f"{s} B") for s in sizes) or "fp32"


def memory_section(report: Report, settings: Settings) -> dict[str, Any] | None:
    """The memory figures as plain data (for every renderer), or None when none was asked."""
    if not (settings.memory or settings.dtype or settings.optimizer):
        return None
    found = memory_terms(report, settings)
    unit = "decimal units: MB = 10^6 B, GB = 10^9 B" if settings.units == "decimal" else "binary units: MiB = 2^20 B, GiB = 2^30 B"
    if isinstance(found, str):
        return {"units": unit, "unknown": found}
    inference, training = found
    out: dict[str, Any] = {"units": unit, "inference": [t.to_json() for t in inference],
                           "inference_bytes": sum(t.bytes for t in inference)}
    if training:
        out.update(optimizer=settings.optimizer, training=[t.to_json() for t in training],
                   training_bytes=sum(t.bytes for t in training))
    notes = []
    cache = kv_cache_term(report, settings, 4)
    if isinstance(cache, str):
        notes.append(f"KV cache: {cache}")
    if training:
        activations = activations_term(report)
        if isinstance(activations, str):
            notes.append(activations)
        elif activations.name != "activations":
            out["training_lower_bound"] = True
    if notes:
        out["not_counted"] = notes
    return out


def memory_lines(section: dict[str, Any], units: str) -> list[str]:
    """The memory section as the table's lines under the totals."""
    lines = [f"Memory ({section['units']}):"]
    if "unknown" in section:
        return lines + [f"  not sized: {section['unknown']}"]
    width = max(len(t["name"]) for t in section.get("training") or section["inference"])

    def block(title: str, terms: list[dict[str, Any]], total: int, at_least: str = "") -> None:
        lines.append(f"  {title}: {at_least}{size_text(total, units)}")
        for t in terms:
            lines.append(f"    {t['name']:<{width}}  {size_text(t['bytes'], units):>11}  = {t['formula']}")

    block("inference", section["inference"], section["inference_bytes"])
    if "training" in section:
        at_least = "at least " if section.get("training_lower_bound") else ""
        block(f"training ({section['optimizer']})", section["training"], section["training_bytes"], at_least)
    lines += [f"  not counted: {note}" for note in section.get("not_counted", ())]
    return lines


def with_cost(report: Report, settings: Settings) -> Report:
    """`report` with its cost worked out for `settings`: MACs with the batch given, and `meta["cost"]` (what
    the renderers show under the totals and the JSON holds)."""
    rows = report.rows
    macs = report.macs
    if settings.batch is not None:
        rows = tuple(replace(r, macs=with_batch(r.macs, settings.batch)) if is_symbolic(r.macs) or isinstance(r.macs, PerBatch) else r for r in rows)
        macs = with_batch(macs, settings.batch)
    cost: dict[str, Any] = {"lines": compute_lines(report, settings), "units": settings.units}
    if macs is not None:
        cost.update(macs=macs if isinstance(macs, int) else str(macs), flops=2 * macs if isinstance(macs, int) else str(2 * macs),
                    training_flops=6 * macs if isinstance(macs, int) else str(6 * macs))
    memory = memory_section(report, settings)
    if memory is not None:
        cost["memory"] = memory
    return replace(report, rows=rows, macs=macs, meta={**report.meta, "cost": cost})


def cost_lines(report: Report) -> list[str]:
    """Every line of the cost under the totals (compute, then memory), for the table and markdown."""
    cost = report.meta.get("cost")
    if cost is None:
        return compute_lines(report, Settings())
    lines = list(cost["lines"])
    if "memory" in cost:
        lines += memory_lines(cost["memory"], cost["units"])
    return lines


def budget_overruns(report: Report, max_params: int | None, max_memory: int | None, units: str = "binary") -> list[str]:
    """What exceeds the budget (--max-params, --max-memory), each with its figure and the limit."""
    out = []
    if max_params is not None:
        if not isinstance(report.total, int):
            out.append(f"params: {report.total} cannot be checked against --max-params (bind its sizes with --set)")
        elif report.total > max_params:
            out.append(f"params: {report.total:,} > {max_params:,} (--max-params)")
    if max_memory is not None:
        memory = report.meta.get("cost", {}).get("memory")
        if memory is None or "unknown" in memory:
            out.append(f"memory: not sized ({memory['unknown'] if memory else 'no memory figures'}); --max-memory cannot be checked")
        else:
            which = "training" if "training" in memory else "inference"
            used = memory[f"{which}_bytes"]
            if used > max_memory:
                out.append(f"memory: {which} needs {size_text(used, units)} > {size_text(max_memory, units)} (--max-memory)")
    return out


def filled_inputs(shapes: list[Any], batch: int | None, seq_len: int | None) -> list[Any] | None:
    """The model's input shapes with an open batch axis set to `batch` and any other open axis to `seq_len`
    (None when nothing changes): the sizes --batch and --seq-len give where the input leaves them open."""
    if batch is None and seq_len is None:
        return None
    out, changed = [], False
    for shape in shapes:
        if not isinstance(shape, tuple):
            return None
        new = tuple((batch if i == 0 else seq_len) if d is None and (batch if i == 0 else seq_len) is not None else d
                    for i, d in enumerate(shape))
        changed = changed or new != shape
        out.append(new)
    return out if changed else None
