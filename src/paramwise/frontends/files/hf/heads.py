"""The task class a config names (`architectures`): the base model under its attribute (`bert.`) and the head
transformers puts on it. A class with no description here is counted as the family's default class, and the
policy says so."""

from __future__ import annotations

from collections.abc import Callable

from ....frozen import replace
from .build import OUTPUT, Model
from .config import Config

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def nested(base: Model, prefix: str, class_name: str, leave_out: tuple[str, ...] = ()) -> Model:
    """`base` as the attribute `prefix` of a task model, without the modules under `leave_out` (its pooler)."""
    m = Model(class_name)
    m.container(prefix, base.class_name)
    kept = [mod for mod in base.modules if not any(mod.path == p or mod.path.startswith(p + ".") for p in leave_out)]
    m.modules = [replace(mod, path=f"{prefix}.{mod.path}", tied_to=f"{prefix}.{mod.tied_to}" if mod.tied_to else "")
                 for mod in kept]
    m.moe = [replace(b, path=f"{prefix}.{b.path}") for b in base.moe]
    m.container_types.update({f"{prefix}.{k}": v for k, v in base.container_types.items()})
    return m


def unnested(model: Model, prefix: str, class_name: str, leave_out: tuple[str, ...]) -> Model:
    """The model under `prefix` alone (BartModel inside BartForConditionalGeneration), without `leave_out`."""
    m = Model(class_name)
    cut = len(prefix) + 1
    m.modules = [replace(mod, path=mod.path[cut:], tied_to=mod.tied_to[cut:] if mod.tied_to.startswith(prefix + ".") else mod.tied_to)
                 for mod in model.modules if mod.path.startswith(prefix + ".") and mod.path not in leave_out]
    m.moe = [replace(b, path=b.path[cut:]) for b in model.moe if b.path.startswith(prefix + ".")]
    m.container_types.update({k[cut:]: v for k, v in model.container_types.items() if k.startswith(prefix + ".")})
    return m


def labels(c: Config) -> int:
    """How many labels a classifier has: as many as `id2label` names, else `num_labels` (transformers: 2)."""
    names = c.raw("id2label", None)
    if isinstance(names, dict) and names:
        return len(names)
    return c.size("num_labels", 2)


def bert_mlm(base: Model, c: Config, name: str, prefix: str, head: str = "cls.predictions") -> Model:
    hidden = c.size("hidden_size")
    width = c.size("embedding_size", hidden) if name == "DebertaV2" else hidden
    m = nested(base, prefix, f"{name}ForMaskedLM", ("pooler",))
    m.parameter(f"{head}.bias", (c.size("vocab_size"),))
    m.linear(f"{head}.transform.dense", hidden, width)
    m.layer_norm(f"{head}.transform.LayerNorm", width)
    return m


def bert_pretraining(base: Model, c: Config) -> Model:
    m = nested(base, "bert", "BertForPreTraining")
    m.parameter("cls.predictions.bias", (c.size("vocab_size"),))
    m.linear("cls.predictions.transform.dense", c.size("hidden_size"), c.size("hidden_size"))
    m.layer_norm("cls.predictions.transform.LayerNorm", c.size("hidden_size"))
    m.linear("cls.seq_relationship", c.size("hidden_size"), 2)
    return m


def classifier(base: Model, c: Config, class_name: str, prefix: str, leave_out: tuple[str, ...] = ()) -> Model:
    m = nested(base, prefix, class_name, leave_out)
    m.linear("classifier", c.size("hidden_size"), labels(c))
    return m


def roberta_mlm(base: Model, c: Config) -> Model:
    hidden = c.size("hidden_size")
    m = nested(base, "roberta", "RobertaForMaskedLM", ("pooler",))
    m.parameter("lm_head.bias", (c.size("vocab_size"),))
    m.linear("lm_head.dense", hidden, hidden)
    m.layer_norm("lm_head.layer_norm", hidden)
    return m


def roberta_classifier(base: Model, c: Config) -> Model:
    hidden = c.size("hidden_size")
    m = nested(base, "roberta", "RobertaForSequenceClassification", ("pooler",))
    m.linear("classifier.dense", hidden, hidden)
    m.linear("classifier.out_proj", hidden, labels(c))
    return m


def distilbert_mlm(base: Model, c: Config) -> Model:
    hidden, vocab = c.size("hidden_size"), c.size("vocab_size")
    m = nested(base, "distilbert", "DistilBertForMaskedLM")
    m.linear("vocab_transform", hidden, hidden)
    m.layer_norm("vocab_layer_norm", hidden)
    m.linear("vocab_projector", hidden, vocab, True, role=OUTPUT, tied_to="distilbert.embeddings.word_embeddings.weight")
    return m


def distilbert_classifier(base: Model, c: Config) -> Model:
    hidden = c.size("hidden_size")
    m = nested(base, "distilbert", "DistilBertForSequenceClassification")
    m.linear("pre_classifier", hidden, hidden)
    m.linear("classifier", hidden, labels(c))
    return m


def albert_mlm(base: Model, c: Config) -> Model:
    hidden, width = c.size("hidden_size"), c.size("embedding_size")
    m = nested(base, "albert", "AlbertForMaskedLM", ("pooler",))
    m.parameter("predictions.bias", (c.size("vocab_size"),))
    m.layer_norm("predictions.LayerNorm", width)
    m.linear("predictions.dense", hidden, width)
    return m


def electra_discriminator(base: Model, c: Config) -> Model:
    hidden = c.size("hidden_size")
    m = nested(base, "electra", "ElectraForPreTraining")
    m.linear("discriminator_predictions.dense", hidden, hidden)
    m.linear("discriminator_predictions.dense_prediction", hidden, 1)
    return m


def electra_generator(base: Model, c: Config) -> Model:
    hidden, width = c.size("hidden_size"), c.size("embedding_size")
    m = nested(base, "electra", "ElectraForMaskedLM")
    m.layer_norm("generator_predictions.LayerNorm", width)
    m.linear("generator_predictions.dense", hidden, width)
    m.linear("generator_lm_head", width, c.size("vocab_size"), True, role=OUTPUT,
             tied_to="electra.embeddings.word_embeddings.weight")
    return m


Head = Callable[[Model, Config], Model]
HEADS: dict[str, dict[str, Head]] = {
    "bert": {"BertForMaskedLM": lambda b, c: bert_mlm(b, c, "Bert", "bert"), "BertForPreTraining": bert_pretraining,
             "BertForSequenceClassification": lambda b, c: classifier(b, c, "BertForSequenceClassification", "bert")},
    "roberta": {"RobertaForMaskedLM": roberta_mlm, "RobertaForSequenceClassification": roberta_classifier},
    "distilbert": {"DistilBertForMaskedLM": distilbert_mlm, "DistilBertForSequenceClassification": distilbert_classifier},
    "albert": {"AlbertForMaskedLM": albert_mlm},
    "electra": {"ElectraForPreTraining": electra_discriminator, "ElectraForMaskedLM": electra_generator},
    "deberta-v2": {"DebertaV2ForMaskedLM": lambda b, c: bert_mlm(b, c, "DebertaV2", "deberta")},
    "vit": {"ViTForImageClassification": lambda b, c: classifier(b, c, "ViTForImageClassification", "vit", ("pooler",))},
    "bart": {"BartModel": lambda b, c: unnested(b, "model", "BartModel", ("lm_head",))},
    "t5": {"T5Model": lambda b, c: unnested_t5(b)},
}


def unnested_t5(model: Model) -> Model:
    m = Model("T5Model")
    m.modules = [mod for mod in model.modules if mod.path != "lm_head"]
    m.container_types.update(model.container_types)
    return m


def decoder_class(model: Model, c: Config, named: str) -> Model | None:
    """A decoder-only LM's base model (`LlamaModel`: what `model.` holds, named without it) or its sequence
    classifier (`...ForSequenceClassification`: the base model and a `score` projection without bias)."""
    heads = [m for m in model.modules if m.path == "lm_head"]
    if not heads or not model.modules:
        return None
    prefix = model.modules[0].path.split(".")[0]
    base = model.container_types.get(prefix, "")
    if named == base:
        return unnested(model, prefix, base, ("lm_head",))
    if named == base.removesuffix("Model") + "ForSequenceClassification":
        m = Model(named)
        m.modules = [mod for mod in model.modules if mod.path != "lm_head"]
        m.moe = list(model.moe)
        m.container_types.update(model.container_types)
        m.linear("score", int(heads[0].kind.attrs["in_features"]), labels(c), False)
        return m
    return None


ENCODERS = {"bert": ("Bert", "bert"), "roberta": ("Roberta", "roberta"), "albert": ("Albert", "albert"),
            "electra": ("Electra", "electra"), "deberta-v2": ("DebertaV2", "deberta"), "distilbert": ("DistilBert", "distilbert")}


def encoder_task(model_type: str, model: Model, c: Config, named: str) -> Model | None:
    """An encoder's token-classification and question-answering heads (one linear layer on every token, the
    pooler left out), and the sequence classifiers the table above does not have."""
    if model_type not in ENCODERS:
        return None
    name, prefix = ENCODERS[model_type]
    hidden = c.size("hidden_size")
    for task, layer in (("ForTokenClassification", "classifier"), ("ForQuestionAnswering", "qa_outputs")):
        if named == name + task:
            m = nested(model, prefix, named, ("pooler",))
            m.linear(layer, hidden, labels(c))
            return m
    if named != name + "ForSequenceClassification":
        return None
    if model_type == "albert":
        return classifier(model, c, named, prefix)
    m = nested(model, prefix, named)
    if model_type == "electra":
        m.linear("classifier.dense", hidden, hidden)
        m.linear("classifier.out_proj", hidden, labels(c))
    elif model_type == "deberta-v2":
        pooled = c.size("pooler_hidden_size", hidden)
        m.linear("pooler.dense", hidden, pooled)
        m.linear("classifier", pooled, labels(c))
    else:
        return None
    return m


def for_class(model_type: str, model: Model, c: Config, named: str) -> Model:
    """The model of the class the config names, where paramwise knows its head; else `model` as it is."""
    head: Any = HEADS.get(model_type, {}).get(named)
    if head is not None:
        return head(model, c)  # type: ignore[no-any-return]
    if not named:
        return model
    return encoder_task(model_type, model, c, named) or decoder_class(model, c, named) or model
