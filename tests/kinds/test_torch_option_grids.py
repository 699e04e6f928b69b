"""PyTorch spellings of the family-A kinds, checked against real torch modules.

Each case builds the module with torch and the kind with `kinds.make("torch", ...)` from the same arguments,
then compares weight names and shapes (weights(None): PyTorch sizes come from the constructor alone), buffers,
and the output shape of a real forward pass on a small tensor.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers import none_cases, with_none
from paramwise import kinds
from paramwise.errors import KindError

torch = pytest.importorskip("torch")
nn = torch.nn

# (module, positional args, keyword args, input shape)
Case = tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]

CONV: list[Case] = [
    ("Conv1d", (3, 6, 3), {}, (2, 3, 11)),
    ("Conv1d", (4, 8, 5), {"stride": 2, "padding": 2, "groups": 4, "bias": False}, (1, 4, 17)),
    ("Conv2d", (4, 8, 3), {"stride": 2, "padding": 1, "groups": 2, "bias": False}, (2, 4, 9, 10)),
    ("Conv2d", (3, 6, (3, 5)), {"padding": "same", "dilation": 2}, (1, 3, 12, 13)),
    ("Conv2d", (3, 6, 3), {"padding": "valid"}, (1, 3, 7, 8)),
    ("Conv2d", (3, 6, 3, 1, 2), {"padding_mode": "reflect"}, (1, 3, 7, 8)),
    ("Conv2d", (3, 6, 3), {}, (3, 10, 10)),  # unbatched
    ("Conv3d", (2, 4, 3), {"stride": (1, 2, 2)}, (1, 2, 5, 9, 9)),
    ("ConvTranspose1d", (4, 6, 3), {"stride": 2}, (2, 4, 7)),
    ("ConvTranspose2d", (4, 8, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (1, 4, 6, 7)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"groups": 2, "bias": False, "dilation": 2}, (1, 4, 5, 5)),
    ("ConvTranspose2d", (4, 6, 3, 2, 1, 1, 2, True, 1), {}, (1, 4, 5, 5)),  # every argument by position
    ("ConvTranspose2d", (3, 2, 4), {"stride": 2}, (3, 5, 6)),  # unbatched
    ("ConvTranspose3d", (2, 4, 2), {"stride": 2}, (1, 2, 3, 4, 5)),
    ("ConvTranspose3d", (2, 2, 3), {"stride": (1, 2, 3), "padding": (0, 1, 1), "output_padding": (0, 1, 2)}, (1, 2, 3, 4, 5)),
]

POOL: list[Case] = [
    ("MaxPool1d", (3,), {}, (2, 4, 11)),
    ("MaxPool2d", (2,), {"stride": 1, "padding": 1, "dilation": 2}, (1, 3, 8, 9)),
    ("MaxPool2d", (3, 2), {"ceil_mode": True}, (1, 3, 8, 10)),
    ("MaxPool2d", (3, 2, 1, 1, False, True), {}, (1, 3, 8, 10)),  # ceil_mode by position
    ("MaxPool2d", (2,), {"return_indices": True}, (1, 3, 8, 9)),
    ("MaxPool2d", (2,), {}, (3, 8, 9)),  # unbatched
    ("MaxPool3d", (2,), {}, (1, 2, 4, 5, 6)),
    ("AvgPool1d", (3, 2, 1, True), {}, (2, 4, 10)),  # ceil_mode is AvgPool1d's 4th argument
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}, (1, 2, 8, 9)),
    ("AvgPool2d", (3, 2, 1, True, False, 2), {}, (1, 2, 8, 9)),
    ("AvgPool3d", (2,), {}, (1, 2, 4, 5, 6)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (1, 3, 10, 7)),
    ("AdaptiveAvgPool2d", (1,), {}, (3, 10, 7)),  # unbatched
    ("AdaptiveAvgPool3d", (2,), {}, (1, 3, 4, 5, 6)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 10)),
    ("AdaptiveMaxPool2d", (5,), {"return_indices": True}, (1, 3, 10, 7)),
    ("AdaptiveMaxPool3d", ((1, 2, None),), {}, (1, 3, 4, 5, 6)),
    ("LPPool1d", (2, 3), {}, (1, 3, 10)),
    ("LPPool2d", (1.5, 2), {"stride": 1, "ceil_mode": True}, (1, 3, 7, 8)),
    ("LPPool3d", (2, 2), {}, (1, 2, 4, 5, 6)),
]

SHAPE: list[Case] = [
    ("Flatten", (), {}, (2, 3, 4, 5)),
    ("Flatten", (2,), {}, (2, 3, 4, 5)),
    ("Flatten", (0, -1), {}, (2, 3, 4)),
    ("Unflatten", (1, (2, 5)), {}, (3, 10)),
    ("Unflatten", (1, (-1, 2)), {}, (3, 10, 4)),
    ("Unflatten", (-1, (2, 2)), {}, (3, 10, 4)),
    ("Upsample", (), {"scale_factor": 2}, (1, 3, 5)),
    ("Upsample", (), {"size": (5, 7)}, (1, 3, 4, 4)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "bilinear"}, (1, 3, 5, 7)),
    ("Upsample", (), {"scale_factor": (2, 3), "mode": "nearest"}, (1, 3, 4, 5)),
    ("Upsample", (None, 2, "trilinear"), {}, (1, 2, 3, 4, 5)),
    ("UpsamplingNearest2d", (), {"scale_factor": 2}, (1, 3, 4, 5)),
    ("UpsamplingBilinear2d", ((6, 6),), {}, (1, 3, 4, 5)),
    ("PixelShuffle", (2,), {}, (1, 8, 3, 4)),
    ("PixelShuffle", (3,), {}, (18, 2, 2)),  # unbatched
    ("PixelUnshuffle", (2,), {}, (1, 2, 6, 4)),
    ("ZeroPad1d", (2,), {}, (1, 3, 5)),
    ("ZeroPad2d", ((1, 2, 3, 4),), {}, (1, 3, 5, 6)),
    ("ZeroPad2d", (-1,), {}, (1, 3, 5, 6)),
    ("ZeroPad2d", (1,), {}, (3, 5, 6)),  # unbatched
    ("ZeroPad3d", (1,), {}, (1, 2, 3, 4, 5)),
    ("ConstantPad1d", ((1, 3), 0.5), {}, (1, 3, 5)),
    ("ConstantPad2d", (2, 1.0), {}, (1, 3, 5, 6)),
    ("ConstantPad3d", ((1, 0, 2, 0, 0, 3), 0.0), {}, (1, 2, 3, 4, 5)),
    ("ReflectionPad1d", (2,), {}, (1, 3, 5)),
    ("ReflectionPad2d", ((1, 1, 2, 0),), {}, (1, 3, 5, 6)),
    ("ReflectionPad3d", (1,), {}, (1, 2, 3, 4, 5)),
    ("ReplicationPad1d", (3,), {}, (1, 3, 5)),
    ("ReplicationPad2d", (1,), {}, (1, 3, 5, 6)),
    ("ReplicationPad3d", ((1, 2, 1, 2, 1, 2),), {}, (1, 2, 3, 4, 5)),
    ("CircularPad1d", (1,), {}, (1, 3, 5)),
    ("CircularPad2d", ((1, 0, 2, 1),), {}, (1, 3, 5, 6)),
    ("CircularPad3d", (1,), {}, (1, 2, 3, 4, 5)),
]

ELEMENTWISE: list[Case] = [
    ("PReLU", (), {}, (2, 6, 4)),
    ("PReLU", (), {"num_parameters": 6}, (2, 6, 4)),
    ("PReLU", (6, 0.1), {}, (2, 6, 4, 4)),
    ("ReLU", (), {}, (2, 5)),
    ("GELU", (), {"approximate": "tanh"}, (2, 5)),
    ("Softmax", (), {"dim": 1}, (2, 5)),
    ("Softmin", (1,), {}, (2, 5)),
    ("LogSigmoid", (), {}, (2, 5)),
    ("RReLU", (), {}, (2, 5)),
    ("Hardtanh", (-2.0, 2.0), {}, (2, 5)),
    ("Threshold", (0.1, 20.0), {}, (2, 5)),
    ("Dropout", (0.5,), {}, (2, 5)),
    ("Dropout2d", (), {}, (2, 3, 4, 4)),
    ("AlphaDropout", (0.2,), {}, (2, 5)),
    ("Identity", (), {}, (2, 5)),
    ("ChannelShuffle", (2,), {}, (1, 4, 3, 3)),
    ("GLU", (), {}, (2, 6)),
    ("GLU", (1,), {}, (2, 6, 3)),
]

CASES = CONV + POOL + SHAPE + ELEMENTWISE


def case_id(case: Case) -> str:
    name, args, kwargs, shape = case
    return f"{name}{args}{kwargs or ''}{list(shape)}".replace(" ", "")


def shapes_of(out: Any) -> Any:
    if isinstance(out, (tuple, list)):
        return [tuple(t.shape) for t in out]
    return tuple(out.shape)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_torch(case: Case) -> None:
    name, args, kwargs, shape = case
    module = getattr(nn, name)(*args, **kwargs).eval()
    kind, extra = kinds.make("torch", name, list(args), dict(kwargs))
    assert kind.framework == "torch"
    weights = kind.weights(None)
    ours = [(w.name, tuple(w.shape)) for w in weights if not w.is_buffer]
    theirs = [(n, tuple(p.shape)) for n, p in module.named_parameters()]
    assert ours == theirs
    assert [(w.name, tuple(w.shape)) for w in weights if w.is_buffer] == [(n, tuple(b.shape)) for n, b in module.named_buffers()]
    with torch.no_grad():
        expected = shapes_of(module(torch.randn(*shape)))
    kind.check([shape])
    got = kind.output_shape([shape])
    got = [tuple(s) for s in got] if isinstance(got, list) else tuple(got)
    assert got == expected


# arguments torch refuses: the kind must refuse them too, with a KindError (never a crash or a wrong shape)
INVALID: list[Case] = [
    ("ConvTranspose2d", (4, 8, 3), {"stride": 2, "output_padding": 2}, (1, 4, 5, 5)),
    ("Conv2d", (4, 8, 3), {}, (1, 3, 9, 9)),  # wrong number of input channels
    ("Conv2d", (4, 6, 3), {"groups": 4}, (1, 4, 9, 9)),  # out_channels not divisible by groups
    ("Conv2d", (3, 6, 5), {}, (1, 3, 4, 4)),  # kernel larger than the input
    ("ConvTranspose2d", (4, 8, 3), {}, (1, 3, 5, 5)),
    ("MaxPool2d", (2,), {"padding": 2}, (1, 3, 8, 8)),  # padding more than half the kernel
    ("PixelShuffle", (2,), {}, (1, 6, 3, 3)),
    ("PixelUnshuffle", (2,), {}, (1, 2, 5, 4)),
    ("PReLU", (3,), {}, (2, 6, 4)),
    ("Unflatten", (1, (3, 4)), {}, (3, 10)),
    ("GLU", (), {}, (2, 5)),
    ("Conv2d", (3, 6, 3), {"stride": 2, "padding": "same"}, (1, 3, 8, 8)),
    ("Conv1d", (3, 6, 3), {"padding": "full"}, (1, 3, 8)),
]


@pytest.mark.parametrize("case", INVALID, ids=[case_id(c) for c in INVALID])
def test_refuses_what_torch_refuses(case: Case) -> None:
    name, args, kwargs, shape = case
    with pytest.raises((ValueError, RuntimeError)):
        module = getattr(nn, name)(*args, **kwargs)
        module(torch.randn(*shape))
    with pytest.raises(KindError):
        kind, _ = kinds.make("torch", name, list(args), dict(kwargs))
        kind.check([shape])
        kind.output_shape([shape])


def test_batch_is_optional_and_unknown_sizes_stay_unknown() -> None:
    kind, _ = kinds.make("torch", "ConvTranspose2d", [4, 8, 3], {"stride": 2})
    assert kind.output_shape([(None, 4, None, 5)]) == (None, 8, None, 11)
    pad, _ = kinds.make("torch", "ZeroPad2d", [(1, 2, 3, 4)], {})
    assert pad.output_shape([(None, 3, None, 6)]) == (None, 3, None, 9)
    pool, _ = kinds.make("torch", "AdaptiveAvgPool2d", [(2, None)], {})
    assert pool.output_shape([(None, 3, 8, None)]) == (None, 3, 2, None)


def test_conv_transpose_formula_counts_per_filter() -> None:
    kind, _ = kinds.make("torch", "ConvTranspose2d", [4, 8, 3], {})
    from paramwise.formula import evaluate, render

    weights = kind.weights(None)
    expr = kind.formula(weights)
    assert expr is not None
    assert evaluate(expr) == sum(p.numel() for p in nn.ConvTranspose2d(4, 8, 3).parameters())
    assert render(expr, "letters") == "(c_in·k_h·k_w + 1)·filters"


NONE_CASES = none_cases("torch", CASES, lambda argument: argument not in ("device", "dtype", "inplace"))


@pytest.mark.parametrize(("case", "argument"), NONE_CASES, ids=[f"{c[0]}-{a}" for c, a in NONE_CASES])
def test_none_in_any_argument_is_taken_or_refused_by_name(case: Case, argument: str) -> None:
    """None in each argument of one case of each module above: where torch makes the module and runs it, the same
    shapes and weights; where torch refuses (often only in forward: ceil_mode=None, output_padding=None), paramwise
    may still count the module (the arguments change no weight) but never fails outside a KindError (the CLI's
    exit 4). Flatten's start_dim, Unflatten's and GLU's dim once did."""
    name, _, _, shape = case
    positional, keywords = with_none("torch", case, argument)
    try:
        module = getattr(nn, name)(*positional, **keywords).eval()
        with torch.no_grad():
            expected = shapes_of(module(torch.randn(*shape)))
        theirs: tuple[Any, ...] | None = (expected, [(n, tuple(p.shape)) for n, p in module.named_parameters()])
    except (ValueError, TypeError, RuntimeError, NotImplementedError):
        theirs = None
    try:
        kind, _ = kinds.make("torch", name, positional, keywords)
        kind.check([shape])
        got = kind.output_shape([shape])
        got = [tuple(s) for s in got] if isinstance(got, list) else tuple(got)
        ours: tuple[Any, ...] | None = (got, [(w.name, tuple(w.shape)) for w in kind.weights(None) if not w.is_buffer])
    except KindError:
        ours = None
    if theirs is not None:
        assert ours == theirs
