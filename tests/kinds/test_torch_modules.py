"""PyTorch spellings of the normalization, embedding, recurrent, attention and transformer kinds, checked
against real torch modules: parameter names, shapes and order (named_parameters), buffers
(named_buffers), trainable flags, total numel, formulas, and output shapes from a real forward pass."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pytest

from paramwise import kinds
from paramwise.errors import KindError
from paramwise.formula import evaluate
from paramwise.infer import infer
from paramwise.ir import Call, Graph, Layer, TensorRef
from paramwise.kinds.rows import Input

torch = pytest.importorskip("torch")
nn = torch.nn


@dataclass(frozen=True)
class Mod:
    """A module argument (TransformerEncoder(encoder_layer, ...)): built both in torch and as a kind."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


def mod(name: str, *args: Any, **kwargs: Any) -> Mod:
    return Mod(name, args, tuple(kwargs.items()))


def real(value: Any) -> Any:
    if isinstance(value, Mod):
        return getattr(nn, value.name)(*[real(a) for a in value.args], **{k: real(v) for k, v in value.kwargs})
    return value


def ours(value: Any) -> Any:
    if isinstance(value, Mod):
        return kinds.make("torch", value.name, [ours(a) for a in value.args], {k: ours(v) for k, v in value.kwargs})[0]
    return value


# (module, args, kwargs, input shapes for a forward pass or None)
CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], list[tuple[int, ...]] | None]] = [
    ("BatchNorm1d", (6,), {}, [(4, 6)]),
    ("BatchNorm1d", (6,), {}, [(4, 6, 9)]),
    ("BatchNorm1d", (6,), {"affine": False}, [(4, 6)]),
    ("BatchNorm1d", (6,), {"track_running_stats": False}, [(4, 6)]),
    ("BatchNorm1d", (6,), {"bias": False}, [(4, 6)]),
    ("BatchNorm2d", (3,), {}, [(2, 3, 5, 5)]),
    ("BatchNorm2d", (3, 1e-3, 0.2, False, False), {}, [(2, 3, 5, 5)]),
    ("BatchNorm3d", (4,), {}, [(2, 4, 3, 3, 3)]),
    ("InstanceNorm1d", (5,), {}, [(2, 5, 7)]),
    ("InstanceNorm1d", (5,), {"affine": True}, [(5, 7)]),
    ("InstanceNorm2d", (3,), {}, [(2, 3, 4, 4)]),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, [(2, 3, 4, 4)]),
    ("InstanceNorm3d", (2,), {"affine": True}, [(1, 2, 3, 3, 3)]),
    ("LayerNorm", (8,), {}, [(2, 5, 8)]),
    ("LayerNorm", ([5, 8],), {}, [(2, 5, 8)]),
    ("LayerNorm", (8,), {"elementwise_affine": False}, [(2, 8)]),
    ("LayerNorm", (8,), {"bias": False}, [(2, 8)]),
    ("RMSNorm", (8,), {}, [(2, 8)]),
    ("RMSNorm", ([3, 8],), {"elementwise_affine": False}, [(2, 3, 8)]),
    ("GroupNorm", (2, 6), {}, [(2, 6, 4, 4)]),
    ("GroupNorm", (3, 6), {"affine": False}, [(2, 6, 4)]),
    ("GroupNorm", (3, 6), {"bias": False}, [(2, 6, 4)]),
    ("LocalResponseNorm", (2,), {}, [(2, 4, 5, 5)]),
    ("Embedding", (10, 4), {}, [(2, 7)]),
    ("Embedding", (10, 4), {"padding_idx": 0}, [(7,)]),
    ("Embedding", (10, 4), {"_freeze": True}, None),
    ("EmbeddingBag", (10, 4), {}, [(2, 7)]),
    ("EmbeddingBag", (10, 4), {"mode": "sum"}, None),
    ("RNN", (5, 7), {}, [(3, 2, 5)]),
    ("RNN", (5, 7, 2, "relu"), {}, [(3, 2, 5)]),
    ("RNN", (5, 7), {"num_layers": 3, "bidirectional": True, "batch_first": True}, [(2, 3, 5)]),
    ("RNN", (5, 7), {"bias": False}, [(3, 5)]),
    ("LSTM", (5, 7), {}, [(3, 2, 5)]),
    ("LSTM", (5, 7, 2), {"bidirectional": True}, [(3, 2, 5)]),
    ("LSTM", (5, 7), {"num_layers": 2, "proj_size": 3}, [(3, 2, 5)]),
    ("LSTM", (5, 7), {"num_layers": 3, "bidirectional": True, "proj_size": 4, "batch_first": True}, [(2, 3, 5)]),
    ("LSTM", (5, 7), {"bias": False, "num_layers": 2}, [(3, 5)]),
    ("GRU", (5, 7), {}, [(3, 2, 5)]),
    ("GRU", (5, 7, 2, False, True, 0.0, True), {}, [(2, 3, 5)]),
    ("GRU", (5, 7), {"num_layers": 4}, [(3, 2, 5)]),
    ("RNNCell", (5, 7), {}, [(3, 5)]),
    ("RNNCell", (5, 7, False, "relu"), {}, [(5,)]),
    ("LSTMCell", (5, 7), {}, [(3, 5)]),
    ("LSTMCell", (5, 7), {"bias": False}, [(5,)]),
    ("GRUCell", (5, 7), {}, [(3, 5)]),
    ("MultiheadAttention", (8, 2), {}, [(4, 3, 8), (6, 3, 8), (6, 3, 8)]),
    ("MultiheadAttention", (8, 4), {"bias": False}, [(4, 8), (6, 8), (6, 8)]),
    ("MultiheadAttention", (8, 2), {"kdim": 3, "vdim": 5}, [(4, 3, 8), (6, 3, 3), (6, 3, 5)]),
    ("MultiheadAttention", (8, 2), {"kdim": 3, "bias": False}, [(4, 3, 8), (6, 3, 3), (6, 3, 8)]),
    ("MultiheadAttention", (8, 2), {"add_bias_kv": True, "batch_first": True}, [(3, 4, 8), (3, 6, 8), (3, 6, 8)]),
    ("MultiheadAttention", (8, 2), {"add_zero_attn": True, "add_bias_kv": True}, [(4, 3, 8), (6, 3, 8), (6, 3, 8)]),
    ("TransformerEncoderLayer", (8, 2), {}, None),
    ("TransformerEncoderLayer", (8, 2, 16), {}, [(5, 3, 8)]),
    ("TransformerEncoderLayer", (8, 2, 16), {"norm_first": True, "batch_first": True}, [(3, 5, 8)]),
    ("TransformerEncoderLayer", (8, 2, 16), {"bias": False}, [(5, 3, 8)]),
    ("TransformerDecoderLayer", (8, 2, 16), {}, [(5, 3, 8), (6, 3, 8)]),
    ("TransformerDecoderLayer", (8, 4, 32), {"bias": False, "norm_first": True}, [(5, 3, 8), (6, 3, 8)]),
    ("TransformerEncoder", (mod("TransformerEncoderLayer", 8, 2, 16), 3), {}, [(5, 3, 8)]),
    ("TransformerEncoder", (mod("TransformerEncoderLayer", 8, 2, 16), 2), {"norm": mod("LayerNorm", 8)}, [(5, 3, 8)]),
    ("TransformerEncoder", (mod("TransformerEncoderLayer", 8, 2, 16, bias=False), 1), {}, [(5, 3, 8)]),
    ("TransformerDecoder", (mod("TransformerDecoderLayer", 8, 2, 16), 2), {}, [(5, 3, 8), (6, 3, 8)]),
    ("TransformerDecoder", (mod("TransformerDecoderLayer", 8, 2, 16), 2), {"norm": mod("LayerNorm", 8)}, None),
    ("Transformer", (), {}, None),
    ("Transformer", (8, 2, 2, 3, 16), {}, [(5, 3, 8), (6, 3, 8)]),
    ("Transformer", (8, 2, 1, 1, 16), {"bias": False, "batch_first": True}, [(3, 5, 8), (3, 6, 8)]),
    ("Transformer", (8, 2), {"custom_encoder": mod("TransformerEncoder", mod("TransformerEncoderLayer", 8, 2, 16), 2)}, None),
    ("Bilinear", (3, 4, 5), {}, [(2, 3), (2, 4)]),
    ("Bilinear", (3, 4, 5), {"bias": False}, [(6, 2, 3), (6, 2, 4)]),
]

RECURRENT_GRID = [
    (name, (5, 7), {"num_layers": layers, "bidirectional": both, "bias": bias, "batch_first": first}, [(2, 3, 5)])
    for name in ("RNN", "LSTM", "GRU")
    for layers in (1, 2)
    for both in (False, True)
    for bias in (True, False)
    for first in (False, True)
]
CASES += RECURRENT_GRID


def case_id(case: tuple[Any, ...]) -> str:
    name, args, kwargs, _ = case
    inner = ",".join([*(getattr(a, "name", str(a)) for a in args), *(f"{k}={getattr(v, 'name', v)}" for k, v in kwargs.items())])
    return f"{name}({inner})"


def build(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = getattr(nn, name)(*[real(a) for a in args], **{k: real(v) for k, v in kwargs.items()})
    kind, extra = kinds.make("torch", name, [ours(a) for a in args], {k: ours(v) for k, v in kwargs.items()})
    assert extra == {}
    return module, kind


def flat_shapes(value: Any) -> list[tuple[int, ...]]:
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in flat_shapes(v)]
    return [tuple(value.shape)]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_weights_match_torch(case: tuple[Any, ...]) -> None:
    name, args, kwargs, _ = case
    module, kind = build(name, args, kwargs)
    weights = kind.weights(None)
    params = [w for w in weights if not w.is_buffer]
    assert [(w.name, w.shape) for w in params] == [(n, tuple(p.shape)) for n, p in module.named_parameters()]
    assert [w.trainable for w in params] == [p.requires_grad for p in module.parameters()]
    buffers = [(w.name, w.shape) for w in weights if w.is_buffer]
    assert buffers == [(n, tuple(b.shape)) for n, b in module.named_buffers()]
    total = sum(p.numel() for p in module.parameters())
    assert sum(w.count for w in params) == total
    expr = kind.formula(weights)
    if expr is not None:
        assert evaluate(expr) == total


@pytest.mark.parametrize("case", [c for c in CASES if c[3] is not None], ids=[case_id(c) for c in CASES if c[3] is not None])
def test_output_shapes_match_torch(case: tuple[Any, ...]) -> None:
    name, args, kwargs, shapes = case
    module, kind = build(name, args, kwargs)
    module.eval()
    dtype = torch.long if name.startswith("Embedding") else torch.float32
    inputs = [torch.zeros(s, dtype=dtype) for s in shapes]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = flat_shapes(module(*inputs))
    kind.check(list(shapes))
    got = kind.output_shape(list(shapes))
    assert [tuple(s) for s in (got if isinstance(got, list) else [got])] == expected


def test_buffers_are_reported_apart_from_parameters() -> None:
    module = nn.BatchNorm2d(16)
    kind = kinds.make("torch", "BatchNorm2d", [16], {})[0]
    graph = Graph(
        framework="torch",
        name="m",
        layers=(Layer("input", "Input", Input("torch", "Input", {"shape": (2, 16, 8, 8)}), hidden=True), Layer("bn", "BatchNorm2d", kind)),
        calls=(Call(0, ()), Call(1, (TensorRef(0),))),
        inputs=(TensorRef(0),),
        outputs=(TensorRef(1),),
    )
    report = infer(graph)
    assert report.total == sum(p.numel() for p in module.parameters())
    assert report.buffers == sum(b.numel() for b in module.buffers())
    assert "buffers" in report.rows[-1].note


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("LSTM", (5, 7), {"proj_size": 7}),
        ("GroupNorm", (4, 6), {}),
        ("MultiheadAttention", (8, 3), {}),
    ],
)
def test_invalid_arguments_fail_like_torch(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, AssertionError)):
        getattr(nn, name)(*args, **kwargs)
    with pytest.raises(KindError):
        kinds.make("torch", name, list(args), kwargs)


def test_wrong_input_width_is_an_error() -> None:
    kind = kinds.make("torch", "LSTM", [5, 7], {})[0]
    with pytest.raises(KindError, match="expects 5 input features"):
        kind.check([(3, 2, 6)])
