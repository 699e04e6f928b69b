"""Every model_type paramwise counts from the config alone: how to build it, and the defaults its
transformers config class gives the values a config.json may leave out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ....frozen import field, frozen
from . import decoders as d
from . import encoders as e
from .build import Model
from .config import Config

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# the other names transformers' config classes accept for a value (their attribute_map), family by family: a
# name a family's class does not map is not read for it (transformers would not read it either)
GPT2_NAMES: dict[str, tuple[str, ...]] = {"hidden_size": ("n_embd",), "max_position_embeddings": ("n_positions",),
                                          "num_attention_heads": ("n_head",), "num_hidden_layers": ("n_layer",)}
EXPERTS_NAMES: dict[str, tuple[str, ...]] = {"num_local_experts": ("num_experts",)}
D_MODEL: dict[str, tuple[str, ...]] = {"hidden_size": ("d_model",)}
NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "gpt2": GPT2_NAMES, "gptj": GPT2_NAMES,
    "bloom": {"num_hidden_layers": ("n_layer",), "num_attention_heads": ("n_head",)},
    "distilbert": {"hidden_size": ("dim",), "num_attention_heads": ("n_heads",), "num_hidden_layers": ("n_layers",)},
    "t5": {**D_MODEL, "num_attention_heads": ("num_heads",), "num_hidden_layers": ("num_layers",)},
    "bart": D_MODEL, "whisper": D_MODEL,
    "mixtral": EXPERTS_NAMES, "qwen2_moe": EXPERTS_NAMES, "qwen3_moe": EXPERTS_NAMES, "gpt_oss": EXPERTS_NAMES,
    "olmoe": EXPERTS_NAMES,
}


@frozen
class Family:
    """One model_type: how its config is read and its model built."""

    build: Callable[[Config], Model]
    defaults: dict[str, Any]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def config(self, data: dict[str, Any], path: str) -> Config:
        return Config(data, self.defaults, path, aliases=self.aliases)


BUILT: dict[str, Family] = {
    **{name: Family(partial(d.llama_like, desc), desc.defaults) for name, desc in d.LLAMA_LIKE.items()},
    "deepseek_v2": Family(partial(d.deepseek, 2), d.DEEPSEEK_V2),
    "deepseek_v3": Family(partial(d.deepseek, 3), d.DEEPSEEK),
    "phi": Family(d.phi, d.PHI),
    "phi3": Family(d.phi3, d.PHI3),
    "gpt2": Family(d.gpt2, d.GPT2),
    "gpt_neox": Family(d.gpt_neox, d.GPT_NEOX),
    "gptj": Family(d.gptj, d.GPTJ),
    "falcon": Family(d.falcon, d.FALCON),
    "bloom": Family(d.bloom, d.BLOOM),
    "opt": Family(d.opt, d.OPT),
    "bert": Family(e.bert, e.BERT),
    "roberta": Family(partial(e.bert, name="Roberta"), e.ROBERTA),
    "electra": Family(partial(e.bert, name="Electra", pooler=False), e.ELECTRA),
    "distilbert": Family(e.distilbert, e.DISTILBERT),
    "albert": Family(e.albert, e.ALBERT),
    "deberta-v2": Family(e.deberta_v2, e.DEBERTA_V2),
    "vit": Family(e.vit, e.VIT),
    "clip": Family(e.clip, e.CLIP),
    "t5": Family(e.t5, e.T5),
    "bart": Family(e.bart, e.BART),
    "whisper": Family(e.whisper, e.WHISPER),
}


FAMILIES: dict[str, Family] = {name: Family(f.build, f.defaults, NAMES.get(name, {})) for name, f in BUILT.items()}


def supported() -> list[str]:
    return sorted(FAMILIES)
