"""Layers of Hugging Face transformers that no torch.nn class matches: GPT-2's Conv1D (a linear layer stored
transposed), the fused experts of a mixture-of-experts block, and its router. They are made by the config
reader only (no spelling: a source file's own class of the same name is not one of these)."""

from __future__ import annotations

from ..formula import Dim, Expr, const, prod
from ..ir import Shape, Weight
from .base import Kind, factor, weight_plus_bias

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


class TransposedLinear(Kind):
    """A linear layer stored as (d_in, units), GPT-2's Conv1D: one weight per input feature and output unit,
    plus one bias per unit."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {}

    d_in: Dim
    units: Dim

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return inputs[0][:-1] + (self.units,)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        units = factor(self.units, "units")
        return [Weight("weight", (factor(self.d_in, "d_in"), units)), Weight("bias", (units,))]

    def formula(self, weights: list[Weight]) -> Expr | None:
        return weight_plus_bias(weights[0], weights[1])

    def note(self) -> str:
        return "transformers' Conv1D is a Linear whose weight is stored (in, out) instead of (out, in)"


class Experts(Kind):
    """The experts of a mixture-of-experts block, fused: each of `experts` gated MLPs has a gate and an up
    projection (hidden -> ffn, stored together) and a down projection (ffn -> hidden). Only the experts the
    router picks for a token run on it."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {}

    experts: Dim
    hidden: Dim
    ffn: Dim

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        e, h, f = factor(self.experts, "experts"), factor(self.hidden, "hidden"), factor(self.ffn, "ffn")
        two_f = factor(2 * self.ffn, "2·ffn")
        if not self.attrs.get("bias"):
            return [Weight("gate_up_proj", (e, two_f, h)), Weight("down_proj", (e, h, f))]
        # gpt-oss: stored (in, out), each projection with a bias per expert
        return [Weight("gate_up_proj", (e, h, two_f)), Weight("gate_up_proj_bias", (e, two_f)),
                Weight("down_proj", (e, f, h)), Weight("down_proj_bias", (e, h))]

    def formula(self, weights: list[Weight]) -> Expr | None:
        if self.attrs.get("bias"):
            return None
        e, h, f = factor(self.experts, "experts"), factor(self.hidden, "hidden"), factor(self.ffn, "ffn")
        return prod(const(3), e, h, f)


class Router(Kind):
    """The router of a mixture-of-experts block: one score per expert from each token's hidden vector (a
    linear layer without bias). DeepSeek-V3's router also keeps a per-expert score correction (a buffer)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {}

    experts: Dim
    hidden: Dim

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        e = factor(self.experts, "experts")
        out = [Weight("weight", (e, factor(self.hidden, "hidden")))]
        if self.attrs.get("bias"):
            out.append(Weight("bias", (e,)))
        if self.attrs.get("correction_bias"):
            out.append(Weight("e_score_correction_bias", (e,), trainable=False, is_buffer=True))
        return out

    def formula(self, weights: list[Weight]) -> Expr | None:
        return None
