"""Keras spellings of the family-A kinds over grids of options, checked layer by layer against real Keras.

The case files in tests/cases/keras/a_*.py check whole models through the source reader; these sweep the
argument combinations (strides x padding x output_padding x dilation ...) that are too many for files.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from helpers import CASES as CASE_FILES
from helpers import none_cases, with_none
from paramwise import kinds
from paramwise.errors import KindError

keras = pytest.importorskip("keras")
pytest.importorskip("torch")

# (layer, positional args, keyword args, input shape without the batch axis)
Case = tuple[str, tuple[Any, ...], dict[str, Any], tuple[Any, ...]]


def transpose_cases() -> list[Case]:
    out: list[Case] = []
    grid = itertools.product((1, 2, 3), (1, 2, 3), ("valid", "same"), (None, 0, 1, 2), (1, 2))
    for k, s, pad, op, dil in grid:
        if (op is not None and op >= s) or (s > 1 and dil > 1):
            continue  # Keras refuses these
        out.append(("Conv1DTranspose", (3, k), {"strides": s, "padding": pad, "output_padding": op, "dilation_rate": dil}, (7, 2)))
    out.append(("Conv2DTranspose", (4, (2, 3)), {"strides": (2, 3), "output_padding": (1, 2)}, (5, 4, 3)))
    out.append(("Conv2DTranspose", (4, 3), {"data_format": "channels_first", "strides": 2, "padding": "same"}, (3, 5, 4)))
    out.append(("Conv3DTranspose", (2, 3, 2, "same", "channels_last", 1), {}, (3, 4, 5, 2)))  # data_format 5th
    return out


def conv_cases() -> list[Case]:
    out: list[Case] = []
    for k, s, pad, dil in itertools.product((1, 3), (1, 2), ("valid", "same", "causal"), (1, 2)):
        if s > 1 and dil > 1:
            continue
        out.append(("Conv1D", (4, k), {"strides": s, "padding": pad, "dilation_rate": dil}, (11, 2)))
    out += [
        ("Conv2D", (6, 3), {"groups": 3, "data_format": "channels_first"}, (6, 9, 8)),
        ("Conv3D", (4, (1, 2, 3)), {"strides": (1, 2, 1), "padding": "same", "use_bias": False}, (4, 5, 6, 2)),
        ("DepthwiseConv1D", (3,), {"depth_multiplier": 2, "strides": 2}, (9, 3)),
        ("DepthwiseConv2D", (3, 1, "same", 3, "channels_first"), {}, (2, 6, 7)),
        ("SeparableConv1D", (5, 3), {"depth_multiplier": 2, "padding": "same", "dilation_rate": 2}, (10, 3)),
        ("SeparableConv2D", (5, (3, 2)), {"strides": 2, "data_format": "channels_first", "use_bias": False}, (3, 9, 9)),
    ]
    return out


def pool_cases() -> list[Case]:
    out: list[Case] = []
    for name, pool, s, pad in itertools.product(("MaxPooling1D", "AveragePooling1D"), (2, 3), (None, 1, 2), ("valid", "same")):
        out.append((name, (pool,), {"strides": s, "padding": pad}, (10, 2)))
    out += [
        ("MaxPooling3D", (), {"data_format": "channels_first"}, (2, 4, 5, 6)),
        ("GlobalMaxPooling2D", (), {"keepdims": True, "data_format": "channels_first"}, (3, 4, 5)),
        ("AdaptiveAveragePooling3D", ((2, 3, 1),), {}, (4, 6, 5, 2)),
        ("AdaptiveMaxPooling2D", (3,), {"data_format": "channels_first"}, (2, 7, 8)),
    ]
    return out


def shape_cases() -> list[Case]:
    return [
        ("ZeroPadding1D", ((0, 2),), {}, (5, 3)),
        ("ZeroPadding2D", ((2, 0),), {"data_format": "channels_first"}, (3, 4, 5)),
        ("ZeroPadding3D", (((1, 0), (0, 2), (3, 1)),), {}, (2, 3, 4, 1)),
        ("Cropping1D", (1,), {}, (5, 3)),
        ("Cropping2D", ((1, 2),), {}, (6, 7, 2)),
        ("Cropping3D", (1,), {"data_format": "channels_first"}, (2, 4, 5, 6)),
        ("UpSampling1D", (4,), {}, (3, 2)),
        ("UpSampling2D", (3,), {"data_format": "channels_first"}, (2, 3, 4)),
        ("UpSampling3D", ((1, 2, 3),), {"data_format": "channels_first"}, (2, 3, 4, 5)),
        ("Reshape", ((-1, 3),), {}, (4, 6)),
        ("Reshape", ((2, -1, 2),), {}, (None, 4)),
        ("Permute", ((3, 1, 2),), {}, (2, 3, 4)),
        ("RepeatVector", (5,), {}, (3,)),
        ("Flatten", (), {}, (2, 3, 4)),
        ("PReLU", (), {"shared_axes": [2, 3]}, (2, 3, 4)),
        ("PReLU", (), {}, (3,)),
        ("Normalization", (), {"axis": (1, 3)}, (2, 3, 4)),
        ("Normalization", (), {"axis": None}, (2, 3)),
        ("Resizing", (5, 6), {"data_format": "channels_first"}, (3, 8, 8)),
        ("CenterCrop", (2, 3), {}, (8, 8, 3)),
        ("Lambda", (abs,), {"output_shape": (7,)}, (3,)),
    ]


CASES = transpose_cases() + conv_cases() + pool_cases() + shape_cases()


def case_id(case: Case) -> str:
    name, args, kwargs, shape = case
    parts = [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]
    return f"{name}({','.join(parts)}){list(shape)}".replace(" ", "")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_keras(case: Case) -> None:
    name, args, kwargs, shape = case
    layer = getattr(keras.layers, name)(*args, **kwargs)
    output = layer(keras.Input(shape))
    kind, extra = kinds.make("keras", name, list(args), dict(kwargs))
    assert extra == {}
    full = (None, *shape)
    kind.check([full])
    assert tuple(kind.output_shape([full])) == tuple(output.shape)
    ours = [(w.name, tuple(w.shape), w.trainable) for w in kind.weights([full])]
    theirs = [(w.name, tuple(w.shape), w.trainable) for w in layer.weights]
    assert ours == theirs


INVALID: list[Case] = [
    ("Conv2D", (4, 3), {"padding": "causal"}, (8, 8, 3)),
    ("Conv2DTranspose", (4, 3), {"strides": 2, "output_padding": 2}, (8, 8, 3)),
    ("Conv2D", (4, 5), {}, (3, 3, 3)),
    ("Conv2D", (4, 3), {"groups": 2}, (8, 8, 3)),
    ("MaxPooling2D", (5,), {}, (3, 3, 3)),
    ("Reshape", ((5, -1),), {}, (4, 3)),
    ("Permute", ((1, 1),), {}, (4, 3)),
    ("Cropping1D", ((3, 3),), {}, (5, 2)),
    ("RepeatVector", (3,), {}, (4, 2)),
    ("SeparableConv1D", (4, 3), {"padding": "causal"}, (10, 2)),
    ("DepthwiseConv1D", (3,), {"padding": "causal"}, (10, 2)),
    ("Conv1DTranspose", (4, 3), {"padding": "causal"}, (10, 2)),
    ("Conv2D", (4, 3), {"padding": (1, 1)}, (10, 10, 2)),
]


@pytest.mark.parametrize("case", INVALID, ids=[case_id(c) for c in INVALID])
def test_refuses_what_keras_refuses(case: Case) -> None:
    name, args, kwargs, shape = case
    with pytest.raises((ValueError, TypeError)):
        getattr(keras.layers, name)(*args, **kwargs)(keras.Input(shape))
    with pytest.raises(KindError):
        kind, _ = kinds.make("keras", name, list(args), dict(kwargs))
        kind.check([(None, *shape)])
        kind.output_shape([(None, *shape)])


def test_lambda_warns_that_its_shape_is_assumed(tmp_path: Any) -> None:
    import paramwise

    path = tmp_path / "lambda_model.py"
    path.write_text(
        "import keras\nfrom keras import layers\n\n"
        "inputs = keras.Input((4,))\n"
        "x = layers.Lambda(lambda t: keras.ops.fft(t))(inputs)\n"
        "y = layers.Lambda(lambda t: t[:, :2], output_shape=(2,))(x)\n"
        "model = keras.Model(inputs, y)\n"
    )
    report = paramwise.read(str(path))
    caveats = [w for w in report.warnings if w.code == "assumed_shape"]  # a body paramwise cannot follow
    assert len(caveats) == 1 and caveats[0].location is not None and caveats[0].location.line == 5
    assert report.output_shapes == [(None, 2)]


def test_aliases_are_named_after_their_keras_class() -> None:
    for alias, canonical in [("MaxPool2D", "MaxPooling2D"), ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
                             ("Convolution2DTranspose", "Conv2DTranspose"), ("SeparableConvolution1D", "SeparableConv1D")]:
        assert getattr(keras.layers, alias) is getattr(keras.layers, canonical)
        kind, _ = kinds.make("keras", alias, [3, 2] if "Conv" in alias else [], {})
        assert kind.attrs["keras_class"] == canonical


A_CASES = sorted((CASE_FILES / "keras").glob("a_*.py"))


@pytest.mark.parametrize("path", A_CASES, ids=[p.stem for p in A_CASES])
def test_case_files_read_back_from_keras_json(path: Path, tmp_path: Path) -> None:
    """The same kinds, reached through a model's to_json() instead of its source."""
    import warnings

    import paramwise
    from helpers import check_invariants
    from keras_oracle import build, compare

    model = build(path)
    target = tmp_path / "model.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        target.write_text(model.to_json())
    report = paramwise.read(str(target))
    check_invariants(report)
    assert compare(report, model) == []


# -- None in every argument: taken as Keras takes it, or refused by name, never met in arithmetic ----------------
# The keras_json fuzz run found None reaching a kind's arithmetic (exit 4) through five arguments; this asks Keras
# about None in every argument of one case of each layer above. Where paramwise still differs from Keras, the layer
# has no weights and its count is right; each difference is listed with why it is left.
NONE_DIFFERS = {
    ("AdaptiveAveragePooling3D", "output_size"): "paramwise takes torch's meaning (None keeps the axis)",
    ("AdaptiveMaxPooling2D", "output_size"): "the same",
    ("UpSampling2D", "interpolation"): "the interpolation does not change a shape or a count",
    ("Resizing", "height"): "Keras builds an axis of unknown size; paramwise asks for a size",
    ("Resizing", "width"): "the same",
    ("CenterCrop", "height"): "the same",
    ("CenterCrop", "width"): "the same",
    ("Lambda", "function"): "paramwise never runs a Lambda's function",
}
NOT_SWEPT = {"name", "dtype", "trainable", "activation", "data_format", "seed", "autocast", "input_shape",
             "batch_input_shape"}


def swept(argument: str) -> bool:
    return argument not in NOT_SWEPT and not argument.endswith(("initializer", "regularizer", "constraint"))


NONE_CASES = none_cases("keras", CASES, swept)


@pytest.mark.parametrize(("case", "argument"), NONE_CASES, ids=[f"{c[0]}-{a}" for c, a in NONE_CASES])
def test_none_in_any_argument_is_what_keras_makes_of_it(case: Case, argument: str) -> None:
    name, _, _, shape = case
    args, kwargs = with_none("keras", case, argument)
    full = (None, *shape)
    try:
        layer = getattr(keras.layers, name)(*args, **kwargs)
        output = layer(keras.Input(shape))
        theirs: tuple[Any, ...] | None = (tuple(output.shape), [(w.name, tuple(w.shape)) for w in layer.weights])
    except (ValueError, TypeError, AttributeError):
        theirs = None
    try:  # anything but a KindError here is what the CLI reports as an internal error (exit 4)
        kind, _ = kinds.make("keras", name, args, kwargs)
        kind.check([full])
        ours: tuple[Any, ...] | None = (tuple(kind.output_shape([full])), [(w.name, tuple(w.shape)) for w in kind.weights([full])])
    except KindError:
        ours = None
    if (name, argument) in NONE_DIFFERS:
        assert (theirs is None) != (ours is None), f"{name}({argument}=None) now agrees with Keras: drop it from NONE_DIFFERS"
    else:
        assert ours == theirs
