"""What a decoder keeps in its KV cache, layer by layer, as transformers' cache classes hold it: the values each
layer stores per token, and the window of a sliding-window layer (which holds at most that many tokens).

- Per token and layer: K and V of every key/value head (2·kv_heads·head_dim; GQA and MQA keep fewer heads than
  they query with). DeepSeek-V2/V3's multi-head latent attention (MLA) keeps the compressed latent and the shared
  rotary key instead, kv_lora_rank + qk_rope_head_dim values, and expands them at every step. Falcon's
  new_decoder_architecture caches its few kv heads broadcast to every head (transformers does; the paper's
  kernels need not).
- Which layers slide: the config's `layer_types` when it lists them; otherwise the rule the family's config
  class applies (Gemma 2 and gpt-oss: every other layer from the first; Gemma 3: all but every
  `sliding_window_pattern`-th; Qwen2/Qwen3: layers from `max_window_layers` on, when `use_sliding_window`; Mistral,
  Mixtral, Starcoder2, Phi-3: every layer, when `sliding_window` is set).
- A sliding layer holds min(tokens, window): what StaticCache allocates (DynamicCache keeps window − 1 tokens
  between steps and the window while it attends).
Encoders keep no cache; an encoder-decoder's (self- and cross-attention over the encoder's length) is not sized."""

from __future__ import annotations

from .config import Config
from .decoders import LLAMA_LIKE, head_dim, kv_heads

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# sliding_window in the family's config class when config.json leaves it out (None: no window)
DEFAULT_WINDOW: dict[str, int | None] = {
    "mistral": 4096, "gemma2": 4096, "gemma3_text": 4096, "qwen2": 4096, "qwen3": 4096, "qwen2_moe": 4096,
    "qwen3_moe": 4096, "gpt_oss": 128, "mixtral": None, "starcoder2": None, "phi3": None, "phimoe": None, "smollm3": None,
}
GATED = {"qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "smollm3"}  # a window only with use_sliding_window: true
EVERY_LAYER = {"mistral", "mixtral", "starcoder2", "phi3", "phimoe", "qwen3_moe"}  # no layer types: all slide
FULL_HEADS = {"gpt2", "gpt_neox", "gptj", "bloom", "opt"}  # K and V of every head, hidden_size each
ENCODERS = {"bert", "roberta", "distilbert", "albert", "electra", "deberta-v2", "vit", "clip"}
ENCODER_DECODERS = {"t5", "bart", "whisper"}


def kv_cache(model_type: str, c: Config) -> dict[str, Any]:
    """`{"per_token": values a layer keeps per token, "what": that number's formula, "windows": [window or None per
    layer]}`, `{"zero": why there is none}`, or `{"none": why no cache is sized}`."""
    if model_type in ENCODERS:
        return {"zero": "an encoder keeps no KV cache"}
    if model_type in ENCODER_DECODERS:
        return {"none": "an encoder-decoder's KV cache (self-attention, and cross-attention over the encoder's "
                        "length) is not sized"}
    n = c.layers("num_hidden_layers")
    if model_type in ("deepseek_v2", "deepseek_v3"):
        rank, rope = c.size("kv_lora_rank"), c.size("qk_rope_head_dim")
        per_token = rank + rope
        what = f"{per_token:,} ({rank:,} kv_lora_rank + {rope:,} qk_rope_head_dim: MLA's latent and rotary key)"
    elif model_type in LLAMA_LIKE or model_type in ("phi", "phi3"):
        kv, hd = kv_heads(c), head_dim(c)
        per_token = 2 * kv * hd
        what = f"2 (K, V) · {kv * hd:,} ({kv:,} kv_head{'s' if kv != 1 else ''} · {hd:,} head_dim)"
    elif model_type in FULL_HEADS or model_type == "falcon":
        heads = c.size("num_attention_heads")
        hd = c.divide("hidden_size", "num_attention_heads")
        kept, why = heads, "heads"
        if model_type == "falcon" and not c.flag("new_decoder_architecture") and c.flag("multi_query"):
            kept, why = 1, "kv head (multi_query)"
        elif model_type == "falcon" and c.flag("new_decoder_architecture"):
            why = "heads: transformers caches the kv heads broadcast to all"
        per_token = 2 * kept * hd
        what = f"2 (K, V) · {kept * hd:,} ({kept:,} {why} · {hd:,} head_dim)"
    else:
        return {"none": f"the KV cache of model_type '{model_type}' is not described"}
    windows = windows_of(model_type, c, n)
    if isinstance(windows, str):
        return {"none": windows}
    out: dict[str, Any] = {"per_token": per_token, "what": what, "windows": windows}
    positions = c.raw("max_position_embeddings", None)
    if type(positions) is int and positions > 0:
        out["positions"] = positions  # the context it was made for: more tokens are said beside the figure
    return out


def windows_of(model_type: str, c: Config, n: int) -> list[int | None] | str:
    """The window of each layer (None: full attention), as transformers' cache reads them from the config."""
    if model_type not in DEFAULT_WINDOW:
        return [None] * n
    window = c.raw("sliding_window", DEFAULT_WINDOW[model_type])
    if window is not None and window != 0:
        window = c.size("sliding_window", window)
    if model_type in GATED and not c.flag("use_sliding_window", False):
        window = None
    if model_type == "gemma3_text" and window and c.flag("use_bidirectional_attention", False):
        window = window // 2 + 1  # Gemma3Config: the exclusive bound of a two-sided window
    window = window or None
    if c.raw("layer_types", None) is not None:
        types = c.raw("layer_types")
        if not isinstance(types, list) or len(types) != n:
            return f"'layer_types' does not list the {n:,} layers' attention"
        out: list[int | None] = []
        for t in types:
            if t not in ("full_attention", "sliding_attention"):
                return f"layer type {str(t)[:40]!r} is not one whose cache paramwise sizes"
            out.append(window if t == "sliding_attention" else None)
        return out
    if model_type in ("gemma2", "gpt_oss"):
        return [window if (i + 1) % 2 else None for i in range(n)]
    if model_type == "gemma3_text":
        pattern = c.size("sliding_window_pattern", 6)
        return [window if (i + 1) % pattern else None for i in range(n)]
    if model_type in ("qwen2", "qwen3"):
        first = c.size("max_window_layers", 28, low=0)
        return [window if i >= first else None for i in range(n)]
    if model_type == "qwen2_moe":
        last = c.size("max_window_layers", 28, low=0)
        return [window if (i + 1) % 2 and i < last else None for i in range(n)]
    if model_type == "smollm3":
        interval = c.size("no_rope_layer_interval", 4)
        rope = c.raw("no_rope_layers", None)
        uses_rope = c.sizes("no_rope_layers") if rope is not None else [int((i + 1) % interval != 0) for i in range(n)]
        return [window if i < len(uses_rope) and not uses_rope[i] else None for i in range(n)]
    if model_type in EVERY_LAYER:
        return [window] * n
    return [None] * n
