"""Embeddings: a lookup table with one learned vector per token id."""

from __future__ import annotations

from ..errors import KindError
from ..formula import Dim, Expr, prod
from ..ir import Shape, Weight
from .base import REQUIRED, ZERO, Kind, Saved, Spelled, factor, shape_text, signature

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Embedding(Kind):
    """An embedding table: one learned vector of `width` values for each of the `vocab` token ids.

    (batch, seq) integer ids -> (batch, seq, width). PyTorch's padding_idx only fixes one row at zero;
    it does not change the count.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Embedding": {}, "torch:Embedding": {}}
    signatures = {
        "keras": signature(
            "input_dim output_dim embeddings_initializer embeddings_regularizer embeddings_constraint mask_zero "
            "weights lora_rank lora_alpha quantization_config",
            input_dim=REQUIRED, output_dim=REQUIRED, mask_zero=False,
        ),
        "torch": signature(
            "num_embeddings embedding_dim padding_idx max_norm norm_type scale_grad_by_freq sparse _weight _freeze "
            "device dtype",
            num_embeddings=REQUIRED, embedding_dim=REQUIRED, norm_type=2.0, scale_grad_by_freq=False, sparse=False,
            _freeze=False,
        ),
    }

    vocab: Dim
    width: Dim
    frozen: bool

    def setup(self) -> None:
        a = self.attrs
        if self.framework == "torch":
            a.update(vocab=a["num_embeddings"], width=a["embedding_dim"], frozen=bool(a["_freeze"]))
        else:
            a.update(vocab=a["input_dim"], width=a["output_dim"], frozen=False)
        for key in ("vocab", "width"):
            if isinstance(a[key], int) and a[key] < 1:
                raise KindError(f"needs a positive {key}; got {a[key]}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return (*inputs[0], self.width)

    def table(self) -> Weight:
        name = "weight" if self.framework == "torch" else "embeddings"
        lora = self.framework == "keras" and bool(self.attrs.get("lora_rank"))
        return Weight(name, (factor(self.vocab, "vocab"), factor(self.width, "width")), trainable=not (self.frozen or lora))

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a lookup: each index selects a row of the table, nothing is multiplied. Keras LoRA first adds
        lora_embeddings_a times lora_embeddings_b to the table, vocab·rank·width, at every call."""
        rank = self.attrs.get("lora_rank") if self.framework == "keras" else None
        if not rank:
            return ZERO
        return prod(factor(self.vocab, "vocab"), factor(rank, "rank"), factor(self.width, "width"))

    def saved(self, inputs: list[Shape], output: Shape | list[Shape]) -> Saved | None:
        """PyTorch keeps the int64 ids (to add each row's gradient back into the table)."""
        return [("input", 0, 8)] if self.framework == "torch" else None

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        out = [self.table()]
        rank = self.attrs.get("lora_rank") if self.framework == "keras" else None
        if rank:  # Keras LoRA: the table is frozen and two low-rank factors are learned
            r = factor(rank, "rank")
            out.append(Weight("lora_embeddings_a", (factor(self.vocab, "vocab"), r)))
            out.append(Weight("lora_embeddings_b", (r, factor(self.width, "width"))))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        return None

    def note(self) -> str:
        return "Keras calls the table `embeddings` (input_dim, output_dim); PyTorch calls it `weight` (num_embeddings, embedding_dim)"

    def translated(self, shape: Shape) -> Spelled | None:
        return "Embedding", [self.vocab, self.width], {}


class EmbeddingBag(Kind):
    """An embedding bag: looks up one learned vector per token id and reduces each bag of ids (sum, mean
    or max) to one vector: (batch, n) ids -> (batch, width)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:EmbeddingBag": {}}
    signatures = {
        "torch": signature(
            "num_embeddings embedding_dim max_norm norm_type scale_grad_by_freq mode sparse _weight "
            "include_last_offset padding_idx device dtype",
            num_embeddings=REQUIRED, embedding_dim=REQUIRED, norm_type=2.0, mode="mean", sparse=False,
            include_last_offset=False,
        ),
    }
    n_inputs = (1, 3)

    num_embeddings: Dim
    embedding_dim: Dim
    include_last_offset: bool

    def check(self, inputs: list[Shape]) -> None:
        if len(inputs[0]) not in (1, 2):
            raise KindError(f"expects ids of shape (batch, n), or flat ids with offsets; got {shape_text(inputs[0])}")
        if len(inputs[0]) == 1 and len(inputs) < 2:
            raise KindError("flat (1-D) ids need offsets", hint="call it as bag(ids, offsets), or pass ids of shape (batch, n)")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        if len(inputs[0]) == 2:
            return (inputs[0][0], self.embedding_dim)
        bags = inputs[1][0]
        if isinstance(bags, int) and self.include_last_offset:
            bags -= 1
        return (bags, self.embedding_dim)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """0: a lookup of rows and their sum or mean per bag, no matrix product."""
        return ZERO

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        return [Weight("weight", (factor(self.num_embeddings, "vocab"), factor(self.embedding_dim, "width")))]
