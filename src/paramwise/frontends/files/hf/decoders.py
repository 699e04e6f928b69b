"""Decoder-only language models, laid out as transformers builds their `...ForCausalLM` class. The families
that share Llama's layout are one description each (which norms, which biases, which extra norms, which
mixture of experts); the others have a small function of their own."""

from __future__ import annotations

from ....frozen import field, frozen
from .build import EMBEDDING, OUTPUT, Model
from .config import Config

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@frozen
class Decoder:
    """A Llama-like family: attention q/k/v/o projections, a gated MLP (or experts), two norms per layer."""

    name: str  # transformers' class prefix: "Llama" -> LlamaForCausalLM, LlamaModel, LlamaRMSNorm
    defaults: dict[str, Any]
    norm: str = "rms"  # "rms", "layer" (LayerNorm with a bias), "none" (OLMo: a LayerNorm without parameters)
    qkv_bias: str | bool = "attention_bias"  # a config key, or fixed
    o_bias: str | bool = "attention_bias"
    mlp_bias: str | bool = False
    mlp: str = "gated"  # "gated" (gate/up/down_proj) or "fc" (c_fc, c_proj)
    qk_norm: str = ""  # "head": an RMSNorm over each head's q and k (Qwen3, Gemma3); "full": over all of them (OLMo 2)
    sandwich: bool = False  # Gemma2/3: norms before and after the MLP too
    layer_norms: tuple[str, ...] = ("input_layernorm", "post_attention_layernorm")
    sinks: bool = False  # gpt-oss: a learned attention sink per head
    router: str = "gate"  # the router's attribute in a mixture-of-experts block
    lm_head_bias: str | bool = False
    moe: str = ""  # "mixtral", "qwen2_moe", "qwen3_moe"
    base: str = ""  # the base model's class, when it is not `<name>Model`
    embedding_type: str = "Embedding"
    extra: dict[str, Any] = field(default_factory=dict)


def flag_of(c: Config, spec: str | bool) -> bool:
    return spec if isinstance(spec, bool) else c.flag(spec)


def head_dim(c: Config) -> int:
    given = c.raw("head_dim") if "head_dim" in c.defaults else c.raw("head_dim", None)
    return c.size("head_dim") if given is not None else c.divide("hidden_size", "num_attention_heads")


def norm(m: Model, d: Decoder, path: str, width: int) -> None:
    if d.norm == "rms":
        m.rms_norm(path, width, f"{d.name}RMSNorm")
    elif d.norm == "layer":
        m.layer_norm(path, width)
    else:
        m.layer_norm(path, width, affine=False, type_name=f"{d.name}LayerNorm")


def attention(m: Model, d: Decoder, c: Config, path: str) -> None:
    hidden, heads, kv, hd = c.size("hidden_size"), c.size("num_attention_heads"), kv_heads(c), head_dim(c)
    qkv, o = flag_of(c, d.qkv_bias), flag_of(c, d.o_bias)
    if d.sinks:
        m.parameter(f"{path}.sinks", (heads,))
    m.linear(f"{path}.q_proj", hidden, heads * hd, qkv)
    m.linear(f"{path}.k_proj", hidden, kv * hd, qkv)
    m.linear(f"{path}.v_proj", hidden, kv * hd, qkv)
    m.linear(f"{path}.o_proj", heads * hd, hidden, o)
    if d.qk_norm:
        full = d.qk_norm == "full"
        m.rms_norm(f"{path}.q_norm", heads * hd if full else hd, f"{d.name}RMSNorm")
        m.rms_norm(f"{path}.k_norm", kv * hd if full else hd, f"{d.name}RMSNorm")


def kv_heads(c: Config) -> int:
    value = c.raw("num_key_value_heads") if "num_key_value_heads" in c.defaults else c.raw("num_key_value_heads", None)
    return c.size("num_attention_heads") if value is None else c.size("num_key_value_heads")


def experts_count(c: Config) -> int:
    return c.size("num_local_experts")


def mlp(m: Model, d: Decoder, c: Config, path: str, index: int) -> None:
    hidden = c.size("hidden_size")
    if d.moe == "mixtral":
        n, k = experts_count(c), c.size("num_experts_per_tok")
        m.router(f"{path}.{d.router}", n, hidden)
        m.experts(f"{path}.experts", n, hidden, c.size("intermediate_size"), k)
        return
    if d.moe == "gpt_oss":
        n, k = experts_count(c), c.size("num_experts_per_tok")
        m.router(f"{path}.router", n, hidden, bias=True)
        m.experts(f"{path}.experts", n, hidden, c.size("intermediate_size"), k, bias=True)
        return
    if d.moe in ("qwen2_moe", "qwen3_moe"):
        n = experts_count(c)
        sparse = index not in c.sizes("mlp_only_layers") and n > 0 and (index + 1) % c.size("decoder_sparse_step") == 0
        if sparse:
            k = c.size("num_experts_per_tok")
            m.router(f"{path}.gate", n, hidden)
            m.experts(f"{path}.experts", n, hidden, c.size("moe_intermediate_size"), k)
            if d.moe == "qwen2_moe":
                m.gated_mlp(f"{path}.shared_expert", hidden, c.size("shared_expert_intermediate_size"))
                m.linear(f"{path}.shared_expert_gate", hidden, 1, False)
            return
    if d.mlp == "fc":
        bias = flag_of(c, d.mlp_bias)
        m.linear(f"{path}.c_fc", hidden, c.size("intermediate_size"), bias)
        m.linear(f"{path}.c_proj", c.size("intermediate_size"), hidden, bias)
        return
    m.gated_mlp(path, hidden, c.size("intermediate_size"), flag_of(c, d.mlp_bias))


def llama_like(d: Decoder, c: Config) -> Model:
    m = Model(f"{d.name}ForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    m.container("model", d.base or f"{d.name}Model")
    m.embedding("model.embed_tokens", vocab, hidden, type_name=d.embedding_type)
    for i in range(n):
        layer = f"model.layers.{i}"
        m.container(layer, f"{d.name}DecoderLayer")
        m.container(f"{layer}.self_attn", f"{d.name}Attention")
        m.container(f"{layer}.mlp", MOE_BLOCKS.get(d.moe, f"{d.name}SparseMoeBlock") if d.moe else f"{d.name}MLP")
        attention(m, d, c, f"{layer}.self_attn")
        mlp(m, d, c, f"{layer}.mlp", i)
        for name in d.layer_norms:
            norm(m, d, f"{layer}.{name}", hidden)
        if d.sandwich:
            norm(m, d, f"{layer}.pre_feedforward_layernorm", hidden)
            norm(m, d, f"{layer}.post_feedforward_layernorm", hidden)
    norm(m, d, "model.norm", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "model.embed_tokens.weight", bias=flag_of(c, d.lm_head_bias))
    return m


MOE_BLOCKS = {"gpt_oss": "GptOssMLP"}


def lm_head(m: Model, c: Config, path: str, hidden: int, vocab: int, embedding: str, bias: bool = False) -> None:
    tied = c.flag("tie_word_embeddings")
    m.linear(path, hidden, vocab, bias, role=OUTPUT, tied_to=embedding if tied and not bias else "")
    if tied and bias:  # the weight is the embedding's; the bias is the head's own
        m.modules[-1] = type(m.modules[-1])(path, "Linear", m.modules[-1].kind, OUTPUT, embedding)


ROPE = {"vocab_size": 32000, "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": None, "head_dim": None, "tie_word_embeddings": False, "attention_bias": False,
        "mlp_bias": False, "intermediate_size": 11008}

LLAMA_LIKE = {
    "llama": Decoder("Llama", {**ROPE}, mlp_bias="mlp_bias"),
    "mistral": Decoder("Mistral", {**ROPE, "intermediate_size": 14336, "num_key_value_heads": 8}, qkv_bias=False, o_bias=False),
    "mixtral": Decoder("Mixtral", {**ROPE, "intermediate_size": 14336, "num_key_value_heads": 8, "num_local_experts": 8,
                                   "num_experts_per_tok": 2}, qkv_bias=False, o_bias=False, moe="mixtral"),
    "qwen2": Decoder("Qwen2", {**ROPE, "vocab_size": 151936, "intermediate_size": 22016, "num_key_value_heads": 32}, qkv_bias=True, o_bias=False),
    "qwen2_moe": Decoder("Qwen2Moe", {**ROPE, "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 5632,
                                      "num_hidden_layers": 24, "num_attention_heads": 16, "num_key_value_heads": 16,
                                      "decoder_sparse_step": 1,
                                      "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632,
                                      "num_experts_per_tok": 4, "num_local_experts": 60, "mlp_only_layers": [],
                                      "qkv_bias": True},
                         qkv_bias="qkv_bias", o_bias=False, moe="qwen2_moe"),
    "qwen3": Decoder("Qwen3", {**ROPE, "vocab_size": 151936, "intermediate_size": 22016, "head_dim": 128,
                                 "num_key_value_heads": 32}, qk_norm="head"),
    "qwen3_moe": Decoder("Qwen3Moe", {**ROPE, "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 6144,
                                      "num_hidden_layers": 24, "num_key_value_heads": 4, "decoder_sparse_step": 1,
                                      "moe_intermediate_size": 768, "num_experts_per_tok": 8, "num_local_experts": 128,
                                      "mlp_only_layers": []}, qk_norm="head", moe="qwen3_moe"),
    "gemma": Decoder("Gemma", {**ROPE, "vocab_size": 256000, "hidden_size": 3072, "intermediate_size": 24576,
                               "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 256,
                               "tie_word_embeddings": True}),
    "gemma2": Decoder("Gemma2", {**ROPE, "vocab_size": 256000, "hidden_size": 2304, "intermediate_size": 9216,
                                 "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4,
                                 "head_dim": 256, "tie_word_embeddings": True}, sandwich=True),
    "gemma3_text": Decoder("Gemma3", {**ROPE, "vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216,
                                      "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4,
                                      "head_dim": 256, "tie_word_embeddings": True}, sandwich=True, qk_norm="head",
                           base="Gemma3TextModel", embedding_type="Gemma3TextScaledWordEmbedding"),
    "starcoder2": Decoder("Starcoder2", {**ROPE, "vocab_size": 49152, "hidden_size": 3072, "intermediate_size": 12288,
                                         "num_hidden_layers": 30, "num_attention_heads": 24, "num_key_value_heads": 2,
                                         "use_bias": True, "tie_word_embeddings": True},
                          norm="layer", qkv_bias="use_bias", o_bias="use_bias", mlp_bias="use_bias", mlp="fc"),
    "olmo": Decoder("Olmo", {**ROPE, "vocab_size": 50304}, norm="none"),
    "granite": Decoder("Granite", {**ROPE}, mlp_bias="mlp_bias"),
    "olmoe": Decoder("Olmoe", {**ROPE, "vocab_size": 50304, "hidden_size": 2048, "intermediate_size": 2048,
                               "num_hidden_layers": 16, "num_attention_heads": 16, "num_local_experts": 64,
                               "num_experts_per_tok": 8}, qk_norm="full", moe="mixtral"),
    "phimoe": Decoder("Phimoe", {**ROPE, "vocab_size": 32064, "intermediate_size": 6400, "num_key_value_heads": 8,
                                 "num_local_experts": 16, "num_experts_per_tok": 2, "lm_head_bias": False},
                      norm="layer", moe="mixtral", router="router", lm_head_bias="lm_head_bias"),
    "gpt_oss": Decoder("GptOss", {**ROPE, "vocab_size": 201088, "hidden_size": 2880, "intermediate_size": 2880,
                                  "num_hidden_layers": 36, "num_attention_heads": 64, "num_key_value_heads": 8,
                                  "head_dim": 64, "num_local_experts": 128, "num_experts_per_tok": 4,
                                  "attention_bias": True}, sinks=True, moe="gpt_oss"),
    "olmo2": Decoder("Olmo2", {**ROPE, "vocab_size": 50304}, qk_norm="full",
                     layer_norms=("post_attention_layernorm", "post_feedforward_layernorm")),
    "smollm3": Decoder("SmolLM3", {**ROPE, "vocab_size": 128256, "hidden_size": 2048, "num_hidden_layers": 36,
                                   "num_attention_heads": 16, "num_key_value_heads": 4, "tie_word_embeddings": True},
                       mlp_bias="mlp_bias"),
}


def deepseek(version: int, c: Config) -> Model:
    """DeepSeek-V2/V3: multi-head latent attention (low-rank q and kv projections) and, past the first
    `first_k_dense_replace` layers, routed experts beside always-active shared experts."""
    name = f"DeepseekV{version}"
    m = Model(f"{name}ForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    heads = c.size("num_attention_heads")
    q_rank, kv_rank = c.optional("q_lora_rank"), c.size("kv_lora_rank")
    nope, rope, v_dim = c.size("qk_nope_head_dim"), c.size("qk_rope_head_dim"), c.size("v_head_dim")
    bias = c.flag("attention_bias")
    routed, k = c.size("n_routed_experts"), c.size("num_experts_per_tok")
    first_dense = c.size("first_k_dense_replace", low=0)
    m.container("model", f"{name}Model")
    m.embedding("model.embed_tokens", vocab, hidden)
    for i in range(n):
        layer = f"model.layers.{i}"
        m.container(layer, f"{name}DecoderLayer")
        a = f"{layer}.self_attn"
        m.container(a, f"{name}Attention")
        m.container(f"{layer}.mlp", f"{name}MoE" if version == 3 and i >= first_dense else
                    f"{name}Moe" if i >= first_dense else f"{name}MLP")
        m.container(f"{layer}.mlp.shared_experts", f"{name}MLP")
        if q_rank is None:
            m.linear(f"{a}.q_proj", hidden, heads * (nope + rope), False)
        else:
            m.linear(f"{a}.q_a_proj", hidden, q_rank, bias)
            m.rms_norm(f"{a}.q_a_layernorm", q_rank, f"{name}RMSNorm")
            m.linear(f"{a}.q_b_proj", q_rank, heads * (nope + rope), False)
        m.linear(f"{a}.kv_a_proj_with_mqa", hidden, kv_rank + rope, bias)
        m.rms_norm(f"{a}.kv_a_layernorm", kv_rank, f"{name}RMSNorm")
        m.linear(f"{a}.kv_b_proj", kv_rank, heads * (nope + v_dim), False)
        m.linear(f"{a}.o_proj", heads * v_dim, hidden, bias)
        p = f"{layer}.mlp"
        mlp_bias = c.flag("mlp_bias") if version == 2 else False
        if i >= first_dense:
            ffn = c.size("moe_intermediate_size")
            m.experts(f"{p}.experts", routed, hidden, ffn, k)
            m.router(f"{p}.gate", routed, hidden, correction_bias=version == 3)
            m.gated_mlp(f"{p}.shared_experts", hidden, ffn * c.size("n_shared_experts"), mlp_bias)
        else:
            m.gated_mlp(p, hidden, c.size("intermediate_size"), mlp_bias)
        m.rms_norm(f"{layer}.input_layernorm", hidden, f"{name}RMSNorm")
        m.rms_norm(f"{layer}.post_attention_layernorm", hidden, f"{name}RMSNorm")
    m.rms_norm("model.norm", hidden, f"{name}RMSNorm")
    lm_head(m, c, "lm_head", hidden, vocab, "model.embed_tokens.weight")
    return m


DEEPSEEK = {"vocab_size": 129280, "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
            "num_hidden_layers": 61, "num_attention_heads": 128, "n_shared_experts": 1, "n_routed_experts": 256,
            "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128,
            "qk_nope_head_dim": 128, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
            "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False}
DEEPSEEK_V2 = {**DEEPSEEK, "vocab_size": 102400, "hidden_size": 4096, "intermediate_size": 11008,
               "moe_intermediate_size": 1407, "num_hidden_layers": 32, "num_attention_heads": 32, "n_shared_experts": 2,
               "n_routed_experts": 64, "first_k_dense_replace": 0, "num_experts_per_tok": None}


def phi(c: Config) -> Model:
    m = Model("PhiForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    heads, kv, hd = c.size("num_attention_heads"), kv_heads(c), head_dim(c)
    m.container("model", "PhiModel")
    m.embedding("model.embed_tokens", vocab, hidden)
    for i in range(n):
        layer = f"model.layers.{i}"
        m.container(layer, "PhiDecoderLayer")
        a = f"{layer}.self_attn"
        m.linear(f"{a}.q_proj", hidden, heads * hd)
        m.linear(f"{a}.k_proj", hidden, kv * hd)
        m.linear(f"{a}.v_proj", hidden, kv * hd)
        m.linear(f"{a}.dense", heads * hd, hidden)
        if c.flag("qk_layernorm"):
            m.layer_norm(f"{a}.q_layernorm", hidden // heads)
            m.layer_norm(f"{a}.k_layernorm", hidden // heads)
        m.linear(f"{layer}.mlp.fc1", hidden, c.size("intermediate_size"))
        m.linear(f"{layer}.mlp.fc2", c.size("intermediate_size"), hidden)
        m.layer_norm(f"{layer}.input_layernorm", hidden)
    m.layer_norm("model.final_layernorm", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "model.embed_tokens.weight", bias=True)
    return m


PHI = {"vocab_size": 51200, "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 24,
       "num_attention_heads": 32, "num_key_value_heads": None, "head_dim": None, "qk_layernorm": False,
       "tie_word_embeddings": False}


def phi3(c: Config) -> Model:
    m = Model("Phi3ForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    heads, kv, hd = c.size("num_attention_heads"), kv_heads(c), head_dim(c)
    ffn = c.size("intermediate_size")
    m.container("model", "Phi3Model")
    m.embedding("model.embed_tokens", vocab, hidden)
    for i in range(n):
        layer = f"model.layers.{i}"
        m.container(layer, "Phi3DecoderLayer")
        m.linear(f"{layer}.self_attn.o_proj", heads * hd, hidden, False)
        m.linear(f"{layer}.self_attn.qkv_proj", hidden, (heads + 2 * kv) * hd, False)
        m.linear(f"{layer}.mlp.gate_up_proj", hidden, 2 * ffn, False)
        m.linear(f"{layer}.mlp.down_proj", ffn, hidden, False)
        m.rms_norm(f"{layer}.input_layernorm", hidden, "Phi3RMSNorm")
        m.rms_norm(f"{layer}.post_attention_layernorm", hidden, "Phi3RMSNorm")
    m.rms_norm("model.norm", hidden, "Phi3RMSNorm")
    lm_head(m, c, "lm_head", hidden, vocab, "model.embed_tokens.weight")
    return m


PHI3 = {"vocab_size": 32064, "hidden_size": 3072, "intermediate_size": 8192, "num_hidden_layers": 32,
        "num_attention_heads": 32, "num_key_value_heads": None, "head_dim": None, "tie_word_embeddings": False}


def gpt2(c: Config) -> Model:
    m = Model("GPT2LMHeadModel")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    inner = c.raw("n_inner", None)
    ffn = 4 * hidden if inner is None else c.size("n_inner")
    m.container("transformer", "GPT2Model")
    m.embedding("transformer.wte", vocab, hidden)
    m.embedding("transformer.wpe", c.size("max_position_embeddings"), hidden)
    for i in range(n):
        block = f"transformer.h.{i}"
        m.container(block, "GPT2Block")
        m.layer_norm(f"{block}.ln_1", hidden)
        m.conv1d(f"{block}.attn.c_attn", hidden, 3 * hidden)
        m.conv1d(f"{block}.attn.c_proj", hidden, hidden)
        m.layer_norm(f"{block}.ln_2", hidden)
        if c.flag("add_cross_attention"):
            m.conv1d(f"{block}.crossattention.c_attn", hidden, 2 * hidden)
            m.conv1d(f"{block}.crossattention.q_attn", hidden, hidden)
            m.conv1d(f"{block}.crossattention.c_proj", hidden, hidden)
            m.layer_norm(f"{block}.ln_cross_attn", hidden)
        m.conv1d(f"{block}.mlp.c_fc", hidden, ffn)
        m.conv1d(f"{block}.mlp.c_proj", ffn, hidden)
    m.layer_norm("transformer.ln_f", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "transformer.wte.weight")
    return m


GPT2 = {"vocab_size": 50257, "max_position_embeddings": 1024, "hidden_size": 768, "num_hidden_layers": 12,
        "num_attention_heads": 12, "n_inner": None, "tie_word_embeddings": True, "add_cross_attention": False}


def gpt_neox(c: Config) -> Model:
    m = Model("GPTNeoXForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    bias, ffn = c.flag("attention_bias"), c.size("intermediate_size")
    m.container("gpt_neox", "GPTNeoXModel")
    m.embedding("gpt_neox.embed_in", vocab, hidden)
    for i in range(n):
        layer = f"gpt_neox.layers.{i}"
        m.container(layer, "GPTNeoXLayer")
        m.layer_norm(f"{layer}.input_layernorm", hidden)
        m.layer_norm(f"{layer}.post_attention_layernorm", hidden)
        m.linear(f"{layer}.attention.query_key_value", hidden, 3 * hidden, bias)
        m.linear(f"{layer}.attention.dense", hidden, hidden, bias)
        m.linear(f"{layer}.mlp.dense_h_to_4h", hidden, ffn)
        m.linear(f"{layer}.mlp.dense_4h_to_h", ffn, hidden)
    m.layer_norm("gpt_neox.final_layer_norm", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "gpt_neox.embed_in.weight")
    return m


GPT_NEOX = {"vocab_size": 50432, "hidden_size": 6144, "num_hidden_layers": 44, "num_attention_heads": 64,
            "intermediate_size": 24576, "attention_bias": True, "tie_word_embeddings": False}


def gptj(c: Config) -> Model:
    m = Model("GPTJForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    inner = c.raw("n_inner", None)
    ffn = 4 * hidden if inner is None else c.size("n_inner")
    m.container("transformer", "GPTJModel")
    m.embedding("transformer.wte", vocab, hidden)
    for i in range(n):
        block = f"transformer.h.{i}"
        m.container(block, "GPTJBlock")
        m.layer_norm(f"{block}.ln_1", hidden)
        for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
            m.linear(f"{block}.attn.{proj}", hidden, hidden, False)
        m.linear(f"{block}.mlp.fc_in", hidden, ffn)
        m.linear(f"{block}.mlp.fc_out", ffn, hidden)
    m.layer_norm("transformer.ln_f", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "transformer.wte.weight", bias=True)
    return m


GPTJ = {"vocab_size": 50400, "max_position_embeddings": 2048, "hidden_size": 4096, "num_hidden_layers": 28,
        "num_attention_heads": 16, "n_inner": None, "tie_word_embeddings": False}


def falcon(c: Config) -> Model:
    m = Model("FalconForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    heads = c.size("num_attention_heads")
    hd = c.divide("hidden_size", "num_attention_heads")
    bias, new = c.flag("bias"), c.flag("new_decoder_architecture")
    if new:
        qkv = (c.size("num_kv_heads") * 2 + heads) * hd
    elif c.flag("multi_query"):
        qkv = hidden + 2 * hd
    else:
        qkv = 3 * hidden
    ffn_given = c.raw("ffn_hidden_size", None)
    ffn = 4 * hidden if ffn_given is None else c.size("ffn_hidden_size")
    parallel = c.flag("parallel_attn")
    n_ln = c.raw("num_ln_in_parallel_attn", None)
    if n_ln is None and new:
        n_ln = 2
    m.container("transformer", "FalconModel")
    m.embedding("transformer.word_embeddings", vocab, hidden)
    for i in range(n):
        layer = f"transformer.h.{i}"
        m.container(layer, "FalconDecoderLayer")
        m.linear(f"{layer}.self_attention.query_key_value", hidden, qkv, bias)
        m.linear(f"{layer}.self_attention.dense", hidden, hidden, bias)
        m.linear(f"{layer}.mlp.dense_h_to_4h", hidden, ffn, bias)
        m.linear(f"{layer}.mlp.dense_4h_to_h", ffn, hidden, bias)
        if not parallel:
            m.layer_norm(f"{layer}.post_attention_layernorm", hidden)
            m.layer_norm(f"{layer}.input_layernorm", hidden)
        elif n_ln == 2:
            m.layer_norm(f"{layer}.ln_attn", hidden)
            m.layer_norm(f"{layer}.ln_mlp", hidden)
        else:
            m.layer_norm(f"{layer}.input_layernorm", hidden)
    m.layer_norm("transformer.ln_f", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "transformer.word_embeddings.weight")
    return m


FALCON = {"vocab_size": 65024, "hidden_size": 4544, "num_hidden_layers": 32, "num_attention_heads": 71,
          "num_ln_in_parallel_attn": None, "num_kv_heads": 71, "new_decoder_architecture": False, "multi_query": True,
          "parallel_attn": True, "bias": False, "ffn_hidden_size": None, "tie_word_embeddings": True}


def bloom(c: Config) -> Model:
    m = Model("BloomForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    m.container("transformer", "BloomModel")
    m.embedding("transformer.word_embeddings", vocab, hidden)
    m.layer_norm("transformer.word_embeddings_layernorm", hidden)
    for i in range(n):
        block = f"transformer.h.{i}"
        m.container(block, "BloomBlock")
        m.layer_norm(f"{block}.input_layernorm", hidden)
        m.linear(f"{block}.self_attention.query_key_value", hidden, 3 * hidden)
        m.linear(f"{block}.self_attention.dense", hidden, hidden)
        m.layer_norm(f"{block}.post_attention_layernorm", hidden)
        m.linear(f"{block}.mlp.dense_h_to_4h", hidden, 4 * hidden)
        m.linear(f"{block}.mlp.dense_4h_to_h", 4 * hidden, hidden)
    m.layer_norm("transformer.ln_f", hidden)
    lm_head(m, c, "lm_head", hidden, vocab, "transformer.word_embeddings.weight")
    return m


BLOOM = {"vocab_size": 250880, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 8,
         "tie_word_embeddings": True}


def opt(c: Config) -> Model:
    m = Model("OPTForCausalLM")
    hidden, vocab, n = c.size("hidden_size"), c.size("vocab_size"), c.layers("num_hidden_layers")
    proj = c.size("word_embed_proj_dim", hidden)
    bias, affine, ffn = c.flag("enable_bias"), c.flag("layer_norm_elementwise_affine"), c.size("ffn_dim")
    d = "model.decoder"
    m.container("model", "OPTModel")
    m.container(d, "OPTDecoder")
    m.embedding(f"{d}.embed_tokens", vocab, proj)
    m.embedding(f"{d}.embed_positions", c.size("max_position_embeddings") + 2, hidden,
                type_name="OPTLearnedPositionalEmbedding")
    if proj != hidden:
        m.linear(f"{d}.project_out", hidden, proj, False)
        m.linear(f"{d}.project_in", proj, hidden, False)
    if c.flag("do_layer_norm_before") and not c.flag("_remove_final_layer_norm"):
        m.layer_norm(f"{d}.final_layer_norm", hidden, affine=affine)
    for i in range(n):
        layer = f"{d}.layers.{i}"
        m.container(layer, "OPTDecoderLayer")
        for p in ("k_proj", "v_proj", "q_proj", "out_proj"):
            m.linear(f"{layer}.self_attn.{p}", hidden, hidden, bias)
        m.layer_norm(f"{layer}.self_attn_layer_norm", hidden, affine=affine)
        m.linear(f"{layer}.fc1", hidden, ffn, bias)
        m.linear(f"{layer}.fc2", ffn, hidden, bias)
        m.layer_norm(f"{layer}.final_layer_norm", hidden, affine=affine)
    lm_head(m, c, "lm_head", proj, vocab, f"{d}.embed_tokens.weight")
    return m


OPT = {"vocab_size": 50272, "hidden_size": 768, "num_hidden_layers": 12, "ffn_dim": 3072,
       "max_position_embeddings": 2048, "do_layer_norm_before": True, "_remove_final_layer_norm": False,
       "word_embed_proj_dim": None, "num_attention_heads": 12, "enable_bias": True,
       "layer_norm_elementwise_affine": True, "tie_word_embeddings": True}


__all__ = ["EMBEDDING", "LLAMA_LIKE", "llama_like", "deepseek", "phi", "phi3", "gpt2", "gpt_neox", "gptj", "falcon",
           "bloom", "opt"]
