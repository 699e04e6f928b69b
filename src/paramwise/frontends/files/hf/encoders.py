"""Encoders (counted as their base model, `BertModel`), vision and text-image models, and encoder-decoders
(counted as `...ForConditionalGeneration`), laid out as transformers builds them."""

from __future__ import annotations

from .build import EMBEDDING, OUTPUT, Model
from .config import Config
from .decoders import lm_head

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def bert_embeddings(m: Model, c: Config, width: int, hidden: int) -> None:
    e = "embeddings"
    m.embedding(f"{e}.word_embeddings", c.size("vocab_size"), width)
    m.embedding(f"{e}.position_embeddings", c.size("max_position_embeddings"), width)
    if c.size("type_vocab_size", low=0):
        m.embedding(f"{e}.token_type_embeddings", c.size("type_vocab_size", low=0), width)
    m.layer_norm(f"{e}.LayerNorm", width)


def bert_layers(m: Model, c: Config, prefix: str, q: str = "query", k: str = "key", v: str = "value") -> None:
    hidden, ffn = c.size("hidden_size"), c.size("intermediate_size")
    heads_width = c.divide("hidden_size", "num_attention_heads") * c.size("num_attention_heads")
    if c.raw("_deberta", False) and c.raw("attention_head_size", None) is not None:  # DeBERTa may set the head size
        heads_width = c.size("attention_head_size") * c.size("num_attention_heads")
    for i in range(c.layers("num_hidden_layers")):
        layer = f"{prefix}.{i}"
        m.linear(f"{layer}.attention.self.{q}", hidden, heads_width)
        m.linear(f"{layer}.attention.self.{k}", hidden, heads_width)
        m.linear(f"{layer}.attention.self.{v}", hidden, heads_width)
        if c.raw("_deberta", False):
            deberta_positions(m, c, f"{layer}.attention.self", heads_width)
        m.linear(f"{layer}.attention.output.dense", hidden, hidden)
        m.layer_norm(f"{layer}.attention.output.LayerNorm", hidden)
        m.linear(f"{layer}.intermediate.dense", hidden, ffn)
        m.linear(f"{layer}.output.dense", ffn, hidden)
        m.layer_norm(f"{layer}.output.LayerNorm", hidden)


def bert(c: Config, name: str = "Bert", pooler: bool = True) -> Model:
    m = Model(f"{name}Model")
    hidden = c.size("hidden_size")
    width = c.size("embedding_size") if name == "Electra" else hidden
    bert_embeddings(m, c, width, hidden)
    if width != hidden:
        m.linear("embeddings_project", width, hidden)
    bert_layers(m, c, "encoder.layer")
    if pooler:
        m.linear("pooler.dense", hidden, hidden)
    return m


BERT = {"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
        "intermediate_size": 3072, "max_position_embeddings": 512, "type_vocab_size": 2}
ROBERTA = {**BERT, "vocab_size": 50265}
ELECTRA = {**BERT, "embedding_size": 128, "hidden_size": 256, "num_attention_heads": 4, "intermediate_size": 1024}


def distilbert(c: Config) -> Model:
    m = Model("DistilBertModel")
    hidden, ffn = c.size("hidden_size"), c.size("hidden_dim")
    m.embedding("embeddings.word_embeddings", c.size("vocab_size"), hidden)
    m.embedding("embeddings.position_embeddings", c.size("max_position_embeddings"), hidden)
    m.layer_norm("embeddings.LayerNorm", hidden)
    for i in range(c.layers("num_hidden_layers")):
        layer = f"transformer.layer.{i}"
        for p in ("q_lin", "k_lin", "v_lin", "out_lin"):
            m.linear(f"{layer}.attention.{p}", hidden, hidden)
        m.layer_norm(f"{layer}.sa_layer_norm", hidden)
        m.linear(f"{layer}.ffn.lin1", hidden, ffn)
        m.linear(f"{layer}.ffn.lin2", ffn, hidden)
        m.layer_norm(f"{layer}.output_layer_norm", hidden)
    return m


DISTILBERT = {"vocab_size": 30522, "max_position_embeddings": 512, "num_hidden_layers": 6, "num_attention_heads": 12,
              "hidden_size": 768, "hidden_dim": 3072}


def albert(c: Config) -> Model:
    """ALBERT: a small embedding projected up, and `num_hidden_groups` groups of `inner_group_num` layers
    shared by all `num_hidden_layers` layers (the parameters exist once per group)."""
    m = Model("AlbertModel")
    hidden, width, ffn = c.size("hidden_size"), c.size("embedding_size"), c.size("intermediate_size")
    bert_embeddings(m, c, width, hidden)
    m.linear("encoder.embedding_hidden_mapping_in", width, hidden)
    for g in range(c.size("num_hidden_groups")):
        for i in range(c.size("inner_group_num")):
            layer = f"encoder.albert_layer_groups.{g}.albert_layers.{i}"
            m.layer_norm(f"{layer}.full_layer_layer_norm", hidden)
            for p in ("query", "key", "value", "dense"):
                m.linear(f"{layer}.attention.{p}", hidden, hidden)
            m.layer_norm(f"{layer}.attention.LayerNorm", hidden)
            m.linear(f"{layer}.ffn", hidden, ffn)
            m.linear(f"{layer}.ffn_output", ffn, hidden)
    m.linear("pooler", hidden, hidden)
    return m


ALBERT = {"vocab_size": 30000, "embedding_size": 128, "hidden_size": 4096, "num_hidden_layers": 12,
          "num_hidden_groups": 1, "num_attention_heads": 64, "intermediate_size": 16384, "inner_group_num": 1,
          "max_position_embeddings": 512, "type_vocab_size": 2}


def deberta_positions(m: Model, c: Config, path: str, width: int) -> None:
    if not c.flag("relative_attention") or c.flag("share_att_key"):
        return
    hidden = c.size("hidden_size")
    kinds = pos_att_type(c)
    if "c2p" in kinds:
        m.linear(f"{path}.pos_key_proj", hidden, width)
    if "p2c" in kinds:
        m.linear(f"{path}.pos_query_proj", hidden, width)


def pos_att_type(c: Config) -> list[str]:
    value: Any = c.raw("pos_att_type")
    if value is None:
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.lower().split("|")]
    return [str(x) for x in value] if isinstance(value, list) else []


def deberta_v2(c: Config) -> Model:
    m = Model("DebertaV2Model")
    hidden = c.size("hidden_size")
    width = c.size("embedding_size", hidden)
    e = "embeddings"
    m.embedding(f"{e}.word_embeddings", c.size("vocab_size"), width)
    if c.flag("position_biased_input"):
        m.embedding(f"{e}.position_embeddings", c.size("max_position_embeddings"), width)
    if c.size("type_vocab_size", low=0):
        m.embedding(f"{e}.token_type_embeddings", c.size("type_vocab_size", low=0), width)
    if width != hidden:
        m.linear(f"{e}.embed_proj", width, hidden, False)
    m.layer_norm(f"{e}.LayerNorm", hidden)
    with_positions = Config({**c.data, "_deberta": True}, c.defaults, c.file, c.prefix, c.aliases)
    bert_layers(m, with_positions, "encoder.layer", "query_proj", "key_proj", "value_proj")
    if c.flag("relative_attention"):
        most = c.number("max_relative_positions")
        most = c.size("max_position_embeddings") if most < 1 else most
        buckets = c.number("position_buckets")
        size = 2 * (buckets if buckets > 0 else most)
        m.embedding("encoder.rel_embeddings", size, hidden, role="")
    if "layer_norm" in [x.strip() for x in c.text("norm_rel_ebd").lower().split("|")]:
        m.layer_norm("encoder.LayerNorm", hidden)
    kernel = c.number("conv_kernel_size")
    if kernel > 0:
        groups = c.size("conv_groups", 1)
        m.add("encoder.conv.conv", "Conv1d", m.kind("Conv1d", in_channels=hidden, out_channels=hidden, kernel_size=kernel,
                                                    padding=(kernel - 1) // 2, groups=groups))
        m.layer_norm("encoder.conv.LayerNorm", hidden)
    return m


DEBERTA_V2 = {"vocab_size": 128100, "hidden_size": 1536, "num_hidden_layers": 24, "num_attention_heads": 24,
              "intermediate_size": 6144, "max_position_embeddings": 512, "type_vocab_size": 0,
              "relative_attention": False, "max_relative_positions": -1, "position_biased_input": True,
              "pos_att_type": None, "share_att_key": False, "position_buckets": -1, "norm_rel_ebd": "none",
              "conv_kernel_size": 0}


def vit(c: Config) -> Model:
    m = Model("ViTModel")
    hidden, ffn, patch = c.size("hidden_size"), c.size("intermediate_size"), c.size("patch_size")
    image, channels, bias = c.size("image_size"), c.size("num_channels"), c.flag("qkv_bias")
    patches = (image // patch) ** 2
    m.parameter("embeddings.cls_token", (1, 1, hidden), EMBEDDING)
    m.parameter("embeddings.position_embeddings", (1, patches + 1, hidden), EMBEDDING)
    m.conv("embeddings.patch_embeddings.projection", 2, channels, hidden, patch, patch)
    for i in range(c.layers("num_hidden_layers")):
        layer = f"layers.{i}"
        for p in ("q_proj", "k_proj", "v_proj"):
            m.linear(f"{layer}.attention.{p}", hidden, hidden, bias)
        m.linear(f"{layer}.attention.o_proj", hidden, hidden)
        m.layer_norm(f"{layer}.layernorm_before", hidden)
        m.layer_norm(f"{layer}.layernorm_after", hidden)
        m.linear(f"{layer}.mlp.fc1", hidden, ffn)
        m.linear(f"{layer}.mlp.fc2", ffn, hidden)
    m.layer_norm("layernorm", hidden)
    m.linear("pooler.dense", hidden, c.size("pooler_output_size", hidden))
    return m


VIT = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
       "image_size": 224, "patch_size": 16, "num_channels": 3, "qkv_bias": True, "pooler_output_size": None}


def clip_tower(m: Model, c: Config, path: str) -> None:
    hidden, ffn = c.size("hidden_size"), c.size("intermediate_size")
    for i in range(c.layers("num_hidden_layers")):
        layer = f"{path}.encoder.layers.{i}"
        for p in ("k_proj", "v_proj", "q_proj", "out_proj"):
            m.linear(f"{layer}.self_attn.{p}", hidden, hidden)
        m.layer_norm(f"{layer}.layer_norm1", hidden)
        m.linear(f"{layer}.mlp.fc1", hidden, ffn)
        m.linear(f"{layer}.mlp.fc2", ffn, hidden)
        m.layer_norm(f"{layer}.layer_norm2", hidden)


def clip(c: Config) -> Model:
    m = Model("CLIPModel")
    text, vision = c.sub("text_config", CLIP_TEXT), c.sub("vision_config", CLIP_VISION)
    projection = c.size("projection_dim")
    m.parameter("logit_scale", ())
    t_hidden = text.size("hidden_size")
    m.embedding("text_model.embeddings.token_embedding", text.size("vocab_size"), t_hidden)
    m.embedding("text_model.embeddings.position_embedding", text.size("max_position_embeddings"), t_hidden)
    clip_tower(m, text, "text_model")
    m.layer_norm("text_model.final_layer_norm", t_hidden)
    v_hidden, patch, image = vision.size("hidden_size"), vision.size("patch_size"), vision.size("image_size")
    m.parameter("vision_model.embeddings.class_embedding", (v_hidden,), EMBEDDING)
    m.conv("vision_model.embeddings.patch_embedding", 2, vision.size("num_channels"), v_hidden, patch, patch, bias=False)
    m.embedding("vision_model.embeddings.position_embedding", (image // patch) ** 2 + 1, v_hidden)
    m.layer_norm("vision_model.pre_layrnorm", v_hidden)
    clip_tower(m, vision, "vision_model")
    m.layer_norm("vision_model.post_layernorm", v_hidden)
    m.linear("visual_projection", v_hidden, projection, False)
    m.linear("text_projection", t_hidden, projection, False)
    return m


CLIP = {"projection_dim": 512}
CLIP_TEXT = {"vocab_size": 49408, "hidden_size": 512, "intermediate_size": 2048, "num_hidden_layers": 12,
             "num_attention_heads": 8, "max_position_embeddings": 77}
CLIP_VISION = {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12, "num_attention_heads": 12,
               "num_channels": 3, "image_size": 224, "patch_size": 32}


def t5(c: Config) -> Model:
    m = Model("T5ForConditionalGeneration")
    d, ff, heads, kv = c.size("hidden_size"), c.size("d_ff"), c.size("num_attention_heads"), c.size("d_kv")
    inner, buckets = heads * kv, c.size("relative_attention_num_buckets")
    gated = c.text("feed_forward_proj").startswith("gated-")
    m.embedding("shared", c.size("vocab_size"), d)
    decoder_layers = c.raw("num_decoder_layers")
    stacks = (("encoder", c.layers("num_hidden_layers")),
              ("decoder", c.layers("num_hidden_layers") if decoder_layers is None else c.layers("num_decoder_layers")))
    for stack, n in stacks:
        m.add(f"{stack}.embed_tokens", "Embedding", m.kind("Embedding", num_embeddings=c.size("vocab_size"), embedding_dim=d),
              EMBEDDING, tied_to="shared.weight")
        for i in range(n):
            block = f"{stack}.block.{i}"
            sub = 0
            for attn in ("SelfAttention", "EncDecAttention") if stack == "decoder" else ("SelfAttention",):
                a = f"{block}.layer.{sub}.{attn}"
                for p in ("q", "k", "v"):
                    m.linear(f"{a}.{p}", d, inner, False)
                m.linear(f"{a}.o", inner, d, False)
                if i == 0 and attn == "SelfAttention":
                    m.embedding(f"{a}.relative_attention_bias", buckets, heads, role="")
                m.rms_norm(f"{block}.layer.{sub}.layer_norm", d, "T5LayerNorm")
                sub += 1
            f = f"{block}.layer.{sub}.DenseReluDense"
            if gated:
                m.linear(f"{f}.wi_0", d, ff, False)
                m.linear(f"{f}.wi_1", d, ff, False)
            else:
                m.linear(f"{f}.wi", d, ff, False)
            m.linear(f"{f}.wo", ff, d, False)
            m.rms_norm(f"{block}.layer.{sub}.layer_norm", d, "T5LayerNorm")
        m.rms_norm(f"{stack}.final_layer_norm", d, "T5LayerNorm")
    # transformers (5 on) ties T5's output projection to the shared embedding whatever tie_word_embeddings says
    m.linear("lm_head", d, c.size("vocab_size"), False, role=OUTPUT, tied_to="shared.weight")
    return m


T5 = {"vocab_size": 32128, "hidden_size": 512, "d_kv": 64, "d_ff": 2048, "num_hidden_layers": 6,
      "num_decoder_layers": None, "num_attention_heads": 8, "relative_attention_num_buckets": 32,
      "feed_forward_proj": "relu"}


def seq2seq_layer(m: Model, path: str, d: int, ffn: int, cross: bool, k_bias: bool = True) -> None:
    def attention(a: str) -> None:
        m.linear(f"{a}.k_proj", d, d, k_bias)
        m.linear(f"{a}.v_proj", d, d)
        m.linear(f"{a}.q_proj", d, d)
        m.linear(f"{a}.out_proj", d, d)

    attention(f"{path}.self_attn")
    m.layer_norm(f"{path}.self_attn_layer_norm", d)
    if cross:
        attention(f"{path}.encoder_attn")
        m.layer_norm(f"{path}.encoder_attn_layer_norm", d)
    m.linear(f"{path}.fc1", d, ffn)
    m.linear(f"{path}.fc2", ffn, d)
    m.layer_norm(f"{path}.final_layer_norm", d)


def bart(c: Config) -> Model:
    m = Model("BartForConditionalGeneration")
    d, vocab, positions = c.size("hidden_size"), c.size("vocab_size"), c.size("max_position_embeddings")
    m.embedding("model.shared", vocab, d)
    for stack, layers_key, ffn_key in (("encoder", "encoder_layers", "encoder_ffn_dim"),
                                       ("decoder", "decoder_layers", "decoder_ffn_dim")):
        s = f"model.{stack}"
        m.add(f"{s}.embed_tokens", "BartScaledWordEmbedding",
              m.kind("Embedding", num_embeddings=vocab, embedding_dim=d), EMBEDDING, tied_to="model.shared.weight")
        m.embedding(f"{s}.embed_positions", positions + 2, d, type_name="BartLearnedPositionalEmbedding")
        for i in range(c.layers(layers_key)):
            seq2seq_layer(m, f"{s}.layers.{i}", d, c.size(ffn_key), stack == "decoder")
        m.layer_norm(f"{s}.layernorm_embedding", d)
    lm_head(m, c, "lm_head", d, vocab, "model.shared.weight")
    return m


BART = {"vocab_size": 50265, "max_position_embeddings": 1024, "encoder_layers": 12, "encoder_ffn_dim": 4096,
        "decoder_layers": 12, "decoder_ffn_dim": 4096, "hidden_size": 1024, "tie_word_embeddings": True}


def whisper(c: Config) -> Model:
    m = Model("WhisperForConditionalGeneration")
    d, vocab, mels = c.size("hidden_size"), c.size("vocab_size"), c.size("num_mel_bins")
    e = "model.encoder"
    m.conv(f"{e}.conv1", 1, mels, d, 3, padding=1)
    m.conv(f"{e}.conv2", 1, d, d, 3, stride=2, padding=1)
    m.add(f"{e}.embed_positions", "Embedding",  # sinusoidal: transformers keeps it out of training
          m.kind("Embedding", num_embeddings=c.size("max_source_positions"), embedding_dim=d, _freeze=True), EMBEDDING)
    for i in range(c.layers("encoder_layers")):
        seq2seq_layer(m, f"{e}.layers.{i}", d, c.size("encoder_ffn_dim"), False, k_bias=False)
    m.layer_norm(f"{e}.layer_norm", d)
    dec = "model.decoder"
    m.embedding(f"{dec}.embed_tokens", vocab, d)
    m.embedding(f"{dec}.embed_positions", c.size("max_target_positions"), d, type_name="WhisperPositionalEmbedding")
    for i in range(c.layers("decoder_layers")):
        seq2seq_layer(m, f"{dec}.layers.{i}", d, c.size("decoder_ffn_dim"), True, k_bias=False)
    m.layer_norm(f"{dec}.layer_norm", d)
    lm_head(m, c, "proj_out", d, vocab, f"{dec}.embed_tokens.weight")
    return m


WHISPER = {"vocab_size": 51865, "num_mel_bins": 80, "encoder_layers": 4, "decoder_layers": 4,
           "decoder_ffn_dim": 1536, "encoder_ffn_dim": 1536, "hidden_size": 384, "max_source_positions": 1500,
           "max_target_positions": 448, "tie_word_embeddings": True}
