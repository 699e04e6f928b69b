"""Every model_type paramwise counts from the config alone: how to build it, and the defaults its
transformers config class gives the values a config.json may leave out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import decoders as d
from . import encoders as e
from .build import Model
from .config import Config

# older names a config.json may use for a value (transformers' attribute_map)
ALIASES: dict[str, tuple[str, ...]] = {
    "hidden_size": ("n_embd", "d_model", "dim"),
    "num_hidden_layers": ("n_layer", "num_layers", "n_layers"),
    "num_attention_heads": ("n_head", "num_heads", "n_heads"),
    "max_position_embeddings": ("n_positions",),
    "num_local_experts": ("num_experts", "n_routed_experts"),
}


@dataclass(frozen=True)
class Family:
    build: Callable[[Config], Model]
    defaults: dict[str, Any]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=lambda: ALIASES)

    def config(self, data: dict[str, Any], path: str) -> Config:
        return Config(data, self.defaults, path, aliases=self.aliases)


FAMILIES: dict[str, Family] = {
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


def supported() -> list[str]:
    return sorted(FAMILIES)
