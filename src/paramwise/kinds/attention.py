"""Attention layers: Keras MultiHeadAttention, Attention and AdditiveAttention; PyTorch MultiheadAttention."""

from __future__ import annotations

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, Factor, add, const, prod
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, factor, rows_of, shape_text, signature
from .values import describe, is_whole

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


def plus_bias(dims: list[Expr], use_bias: bool) -> Expr:
    """`d + 1` with a bias, `d` without."""
    return add(*dims, const(1)) if use_bias else prod(*dims)


def check_key_value(inputs: list[Shape]) -> None:
    """mha(query, value[, key]): each input has a feature axis, value and key agree on every axis but the last, and
    every last axis is known."""
    for shape in inputs:
        if len(shape) < 2:
            raise KindError(f"needs inputs with a feature axis (batch, ..., features); got {shape_text(shape)}")
    value = inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if tuple(value[1:-1]) != tuple(key[1:-1]):
        raise KindError(
            f"needs value and key equal on every axis but the last; got value {shape_text(value)}, key {shape_text(key)}"
        )
    for shape in inputs:
        if shape[-1] is None:
            raise KindError(f"needs a known last axis on every input; got {shape_text(shape)}")


def projections_formula(weights: list[Weight], use_bias: bool) -> Expr:
    """Keras' attention projections: each input projection (d + 1)·heads·size, then the output projection
    (heads·size + 1)·d_out (no + 1s without bias)."""
    terms = []
    for w in weights:
        if w.name.endswith("/kernel") and not w.name.startswith("attention_output"):
            terms.append(prod(plus_bias([w.dims[0]], use_bias), *w.dims[1:]))
    output = next(w for w in weights if w.name == "attention_output/kernel")
    terms.append(prod(plus_bias([prod(*output.dims[:2])], use_bias), *output.dims[2:]))
    return add(*terms)


class MultiHeadAttention(Kind):
    """Multi-head attention: query, key and value projections of heads×key_dim (value_dim) each, and an
    output projection back to the query's width. Called as mha(query, value) or mha(query, value, key)."""

    weights_in_sublayers = True
    sublayers_made_at_build = True

    # Keras builds a Softmax and a Dropout on the first call, which take those auto-names; a call with
    # return_attention_scores=True returns the scores too (the frontend sets that option per call)
    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:MultiHeadAttention": {"sublayer_names": ("softmax", "dropout"), "call_options": ("return_attention_scores",)},
    }
    signatures = {
        "keras": signature(
            "num_heads key_dim value_dim dropout use_bias output_shape attention_axes sliding_window "
            "flash_attention kernel_initializer bias_initializer kernel_regularizer bias_regularizer "
            "activity_regularizer kernel_constraint bias_constraint use_gate seed",
            num_heads=REQUIRED, key_dim=REQUIRED, dropout=0.0, use_bias=True, use_gate=False,
        ),
    }
    n_inputs = (2, 3)

    num_heads: Dim
    key_dim: Dim
    value_dim: Dim
    use_bias: bool
    use_gate: bool
    output_dims: tuple[Dim, ...] | None
    attention_axes: int | tuple[int, ...] | list[int] | None

    def setup(self) -> None:
        a = self.attrs
        a["value_dim"] = a["value_dim"] or a["key_dim"]
        out = a["output_shape"]
        if not (out is None or is_whole(out, 1) or isinstance(out, (tuple, list)) and all(is_whole(d, 1) for d in out)):
            raise BadValue("output_shape", "None, a whole number ≥ 1 or a tuple of them", out, describe(out))
        a["output_dims"] = (out,) if isinstance(out, int) else tuple(out) if out else None

    def check(self, inputs: list[Shape]) -> None:
        check_key_value(inputs)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        query = inputs[0]
        out = (*query[:-1], *self.output_dims) if self.output_dims else query
        return [out, self.scores_shape(query, inputs[1])] if self.attrs.get("return_attention_scores") is True else out

    def scores_shape(self, query: Shape, value: Shape) -> Shape:
        """(batch, <other axes>, heads, <query attention axes>, <key attention axes>): (batch, heads, T, S)."""
        rank = len(query)
        axes = self.attention_axes if self.attention_axes is not None else tuple(range(1, rank - 1))
        axes = tuple(a % rank for a in ((axes,) if isinstance(axes, int) else axes))
        others = tuple(query[i] for i in range(1, rank - 1) if i not in axes)
        return (query[0], *others, self.num_heads, *(query[a] for a in axes), *(value[a] for a in axes))

    def projection(self, name: str, width: Factor, size: Factor) -> list[Weight]:
        heads = factor(self.num_heads, "heads")
        out = [Weight(f"{name}/kernel", (width, heads, size))]
        return out + ([Weight(f"{name}/bias", (heads, size))] if self.use_bias else [])

    def out_dims(self, query: Shape) -> tuple[Factor, ...]:
        if self.output_dims:
            return tuple(factor(d, "d_out") for d in self.output_dims)
        return (factor(query[-1], "d_q"),)

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs or len(inputs) < 2:
            raise KindError("needs the query and value shapes", hint="call it as mha(query, value)")
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        key_dim, value_dim = factor(self.key_dim, "key_dim"), factor(self.value_dim, "value_dim")
        out = self.projection("query", factor(query[-1], "d_q"), key_dim)
        out += self.projection("key", factor(key[-1], "d_k"), key_dim)
        if self.use_gate:
            out += self.projection("gate", factor(query[-1], "d_q"), value_dim)
        out += self.projection("value", factor(value[-1], "d_v"), value_dim)
        dims = self.out_dims(query)
        out.append(Weight("attention_output/kernel", (factor(self.num_heads, "heads"), value_dim, *dims)))
        return out + ([Weight("attention_output/bias", dims)] if self.use_bias else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        """(d_q + 1)·heads·key_dim + (d_k + 1)·heads·key_dim + (d_v + 1)·heads·value_dim + (heads·value_dim + 1)·d_out."""
        return projections_formula(weights, self.use_bias)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """N_q·d_q·heads·key_dim + N_kv·(d_k·heads·key_dim + d_v·heads·value_dim) for the projections, then
        N_q·S·heads·(key_dim + value_dim) for Q·Kᵀ and A·V, and N_q·heads·value_dim·d_out for the output."""
        query, value = inputs[0], inputs[1]
        rank = len(query)
        axes = self.attention_axes if self.attention_axes is not None else tuple(range(1, rank - 1))
        axes = tuple(a % rank for a in ((axes,) if isinstance(axes, int) else axes))
        seen: Dim = 1
        for a in axes:
            seen = seen * value[a]
        n_q, n_kv = rows_of(query, letter="N_q"), rows_of(value, letter="N_kv")
        terms = []
        for w in self.weights(inputs):
            if w.name.endswith("/kernel"):
                terms.append(prod(n_kv if w.name.startswith(("key", "value")) else n_q, w.term()))
        heads = factor(self.num_heads, "heads")
        dims = add(factor(self.key_dim, "key_dim"), factor(self.value_dim, "value_dim"))
        terms.insert(-1, prod(n_q, Factor(seen, "S"), heads, dims))
        return add(*terms)

    def note(self) -> str:
        return (
            "Keras keeps per-head kernels (d, heads, key_dim) with per-head biases; PyTorch packs q, k, v into one "
            "in_proj_weight (3·E, E) and requires key_dim = E / heads"
        )


class GroupedQueryAttention(Kind):
    """Grouped-query attention (Keras' GroupQueryAttention): num_query_heads query heads share
    num_key_value_heads key and value heads, each head_dim wide; the output goes back to the query's width.
    Called as gqa(query, value) or gqa(query, value, key)."""

    weights_in_sublayers = True
    sublayers_made_at_build = True

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:GroupQueryAttention": {"keras_class": "GroupedQueryAttention", "sublayer_names": ("softmax", "dropout"),
                                      "call_options": ("return_attention_scores",)},
    }
    n_inputs = (2, 3)

    head_dim: Dim
    num_query_heads: Dim
    num_key_value_heads: Dim
    use_bias: bool
    use_gate: bool

    def setup(self) -> None:
        q, kv = self.num_query_heads, self.num_key_value_heads
        if isinstance(q, int) and isinstance(kv, int) and q % kv:
            raise KindError(f"num_query_heads ({q}) must be divisible by num_key_value_heads ({kv})")

    def check(self, inputs: list[Shape]) -> None:
        query, value = inputs[0], inputs[1]
        if query[-1] != value[-1]:
            raise KindError(f"needs query and value of the same last axis; got {shape_text(query)}, {shape_text(value)}")
        check_key_value(inputs)

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        query, value = inputs[0], inputs[1]
        if self.attrs.get("return_attention_scores") is True:
            return [query, (query[0], self.num_query_heads, query[1], value[1])]
        return query

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs or len(inputs) < 2:
            raise KindError("needs the query and value shapes", hint="call it as gqa(query, value)")
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        h = factor(self.head_dim, "head_dim")
        u, v = factor(self.num_query_heads, "q_heads"), factor(self.num_key_value_heads, "kv_heads")

        def projection(name: str, width: Any, heads: Factor) -> list[Weight]:
            out = [Weight(f"{name}/kernel", (factor(width, "d"), heads, h))]
            return out + ([Weight(f"{name}/bias", (heads, h))] if self.use_bias else [])

        out = projection("query", query[-1], u) + projection("key", key[-1], v)
        if self.use_gate:
            out += projection("gate", query[-1], u)
        out += projection("value", value[-1], v)
        d = factor(query[-1], "d")
        out.append(Weight("attention_output/kernel", (u, h, d)))
        return out + ([Weight("attention_output/bias", (d,))] if self.use_bias else [])

    def formula(self, weights: list[Weight]) -> Expr | None:
        """(d + 1)·q_heads·head_dim + 2·(d + 1)·kv_heads·head_dim + (q_heads·head_dim + 1)·d (no + 1s without bias)."""
        return projections_formula(weights, self.use_bias)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """The projections (query and gate over the N_q query vectors, key and value over the N_kv others), then
        N_q·S·q_heads·2·head_dim for Q·Kᵀ and A·V (each key/value head serves its group of query heads), and the
        output projection."""
        query, value = inputs[0], inputs[1]
        n_q, n_kv = rows_of(query, letter="N_q"), rows_of(value, letter="N_kv")
        terms = [prod(n_kv if w.name.startswith(("key", "value")) else n_q, w.term())
                 for w in self.weights(inputs) if w.name.endswith("/kernel")]
        scores = prod(n_q, Factor(value[-2], "S"), factor(self.num_query_heads, "q_heads"), const(2), factor(self.head_dim, "head_dim"))
        terms.insert(-1, scores)
        return add(*terms)


class Attention(Kind):
    """Dot-product attention between a query and a value sequence: no weights unless use_scale (one
    learned scalar) or score_mode="concat" (one more). Called on [query, value] or [query, value, key]."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:Attention": {"additive": False, "call_options": ("return_attention_scores",)},
    }
    signatures = {"keras": signature("use_scale score_mode dropout seed", use_scale=False, score_mode="dot", dropout=0.0)}
    n_inputs = (2, 3)

    additive: bool
    use_scale: bool
    score_mode: str

    def check(self, inputs: list[Shape]) -> None:
        if len(inputs) < 2:
            raise KindError("needs a list of inputs [query, value] or [query, value, key]", hint="call it as Attention()([query, value])")
        if not self.additive and self.score_mode not in ("dot", "concat"):
            raise KindError(f"score_mode must be 'dot' or 'concat'; got {self.score_mode!r}")

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        out = (*inputs[0][:-1], inputs[1][-1])
        if self.attrs.get("return_attention_scores") is True:
            return [out, (*inputs[0][:-1], inputs[1][-2])]  # scores (batch, Tq, Tv)
        return out

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if self.additive:
            if not self.use_scale:
                return []
            if not inputs:
                raise KindError("needs the query shape to size its scale")
            return [Weight("scale", (factor(inputs[0][-1], "d"),))]
        out = [Weight("scale", ())] if self.use_scale else []
        return out + ([Weight("concat_score_weight", ())] if self.score_mode == "concat" else [])

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·T_q·T_v·d for the scores Q·Kᵀ (dot scores; additive and concat scores are sums, not products),
        then B·T_q·T_v·d_v for the scores times the values."""
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        n_q, t_v = rows_of(query, letter="B·T_q"), Factor(value[-2], "T_v")
        terms = [] if self.additive or self.score_mode == "concat" else [prod(n_q, t_v, Factor(key[-1], "d"))]
        return add(*terms, prod(n_q, t_v, Factor(value[-1], "d_v")))


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores are a learned, scaled sum of tanh(query + key); use_scale
    (the default) learns one scale per feature. Called on [query, value] or [query, value, key]."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {
        "keras:AdditiveAttention": {"additive": True, "call_options": ("return_attention_scores",)},
    }
    signatures = {"keras": signature("use_scale dropout", use_scale=True, dropout=0.0)}


class MultiheadAttention(Kind):
    """PyTorch multi-head attention: query, key and value projections of width E (packed into one
    in_proj_weight when kdim = vdim = E), and an output projection out_proj. forward(query, key, value)
    returns (attn_output, attn_weights)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"torch:MultiheadAttention": {}}
    signatures = {
        "torch": signature(
            "embed_dim num_heads dropout bias add_bias_kv add_zero_attn kdim vdim batch_first device dtype",
            embed_dim=REQUIRED, num_heads=REQUIRED, dropout=0.0, bias=True, add_bias_kv=False,
            add_zero_attn=False, batch_first=False,
        ),
    }
    n_inputs = (3, 3)

    embed_dim: Dim
    kdim: Dim
    vdim: Dim
    packed: bool
    bias: bool
    add_bias_kv: bool
    add_zero_attn: bool
    batch_first: bool

    def setup(self) -> None:
        a = self.attrs
        a["kdim"] = a["kdim"] if a["kdim"] is not None else a["embed_dim"]
        a["vdim"] = a["vdim"] if a["vdim"] is not None else a["embed_dim"]
        a["packed"] = a["kdim"] == a["embed_dim"] and a["vdim"] == a["embed_dim"]
        e, h = a["embed_dim"], a["num_heads"]
        if isinstance(e, int) and isinstance(h, int) and (h < 1 or e % h):
            raise KindError(f"embed_dim ({e}) must be divisible by num_heads ({h})", hint="choose num_heads dividing embed_dim")

    def check(self, inputs: list[Shape]) -> None:
        for shape, want, what in zip(inputs, (self.embed_dim, self.kdim, self.vdim), ("query", "key", "value")):
            if len(shape) not in (2, 3):
                raise KindError(f"expects a 3-D {what} (seq, batch, E) or 2-D (seq, E); got {shape_text(shape)}")
            if isinstance(shape[-1], int) and shape[-1] != want:
                raise KindError(f"expects {what} features of size {want}; got {shape_text(shape)}")

    def output_shape(self, inputs: list[Shape]) -> list[Shape]:
        query, key = inputs[0], inputs[1]
        seq_axis = 1 if self.batch_first and len(query) == 3 else 0
        target, source = query[seq_axis], key[seq_axis]
        extra = int(bool(self.add_bias_kv)) + int(bool(self.add_zero_attn))
        if isinstance(source, int):
            source += extra
        if len(query) == 2:
            return [query, (target, source)]
        batch = query[1 - seq_axis]
        return [query, (batch, target, source)]

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        e = factor(self.embed_dim, "E")
        if self.packed:
            out = [Weight("in_proj_weight", (factor(3 * self.embed_dim, "3·E"), e))]
        else:
            out = [
                Weight("q_proj_weight", (e, e)),
                Weight("k_proj_weight", (e, factor(self.kdim, "kdim"))),
                Weight("v_proj_weight", (e, factor(self.vdim, "vdim"))),
            ]
        if self.bias:
            out.append(Weight("in_proj_bias", (factor(3 * self.embed_dim, "3·E"),)))
        if self.add_bias_kv:
            out += [Weight("bias_k", (const(1), const(1), e)), Weight("bias_v", (const(1), const(1), e))]
        out.append(Weight("out_proj.weight", (e, e)))
        return out + ([Weight("out_proj.bias", (e,))] if self.bias else [])

    def inner_modules(self) -> list[tuple[str, str]]:
        """The modules torch's `named_modules()` lists inside this one: its output projection."""
        return [("out_proj", "NonDynamicallyQuantizableLinear")]

    def formula(self, weights: list[Weight]) -> Expr | None:
        """4·(E + 1)·E for the usual packed layer with biases."""
        if not self.packed or self.add_bias_kv:
            return None
        e = factor(self.embed_dim, "E")
        return prod(const(4), plus_bias([e], bool(self.bias)), e)

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """B·L·E·E + B·S·(kdim + vdim)·E for the projections, 2·B·L·S'·E for Q·Kᵀ and A·V over all heads
        (S' = S plus a bias_k/zero row), and B·L·E·E for out_proj."""
        query, key = inputs[0], inputs[1]
        scores = output[1] if isinstance(output, list) else None
        if scores is None:
            return None
        e = factor(self.embed_dim, "E")
        n_q, n_kv = rows_of(query, letter="B·L"), rows_of(key, letter="B·S")
        source = Factor(scores[-1], "S'" if self.add_bias_kv or self.add_zero_attn else "S")
        return add(
            prod(n_q, e, e),
            prod(n_kv, add(factor(self.kdim, "kdim"), factor(self.vdim, "vdim")), e),
            prod(const(2), n_q, source, e),
            prod(n_q, e, e),
        )

    def note(self) -> str:
        return (
            "PyTorch packs q, k, v into in_proj_weight (3·E, E) with one in_proj_bias; Keras' MultiHeadAttention has "
            "separate query/key/value kernels (d, heads, key_dim)"
        )
