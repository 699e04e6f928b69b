"""A layer argument that is not a value the layer takes is a located error, in source and in files.

The framework is the oracle: each value here is one Keras (or torch) itself refuses, and paramwise must
refuse it too, naming the argument and the value, never count with it.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import pytest

from paramwise import cli

BAD_UNITS: list[Any] = [-5, 0, 3.5, math.nan, math.inf, "abc", None, [3], 10**400]


def keras_refuses_units(value: Any) -> bool:
    keras = pytest.importorskip("keras")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(value)])
    except Exception:  # noqa: BLE001 - any refusal by Keras is the oracle's answer
        return True
    return False


@pytest.mark.parametrize("value", BAD_UNITS, ids=repr)
def test_keras_source_refuses_what_keras_refuses(value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert keras_refuses_units(value)
    literal = repr(value) if not isinstance(value, float) or math.isfinite(value) else f"float('{value}')"
    model = tmp_path / "m.py"
    model.write_text(f"from keras import layers, Sequential\nm = Sequential([layers.Input((4,)), layers.Dense({literal})])\n")
    assert cli.main([str(model)]) == 2
    err = capsys.readouterr().err
    assert f"{model}:2:37: error: Dense: 'units' must be a whole number ≥ 1; got " in err
    assert "^" in err and "hint:" in err


@pytest.mark.parametrize("value", [v for v in BAD_UNITS if not (isinstance(v, float) and not math.isfinite(v))], ids=repr)
def test_keras_json_refuses_with_the_data_path(value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {
        "module": "keras", "class_name": "Sequential",
        "config": {"name": "s", "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 4], "name": "in"}},
            {"class_name": "Dense", "config": {"name": "dense", "units": value}},
        ]},
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    assert cli.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "config.layers[1].config.units" in err and "'units' must be a whole number ≥ 1" in err


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_keras_json_non_finite_numbers(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        '{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": ['
        '{"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}},'
        '{"class_name": "Dense", "config": {"name": "dense", "units": ' + text + "}}]}}"
    )
    assert cli.main([str(path)]) == 2
    assert "units" in capsys.readouterr().err


@pytest.mark.parametrize("value", [0, -1, 2.5, "3"], ids=repr)
def test_kernel_sizes(value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras = pytest.importorskip("keras")
    with pytest.raises(Exception):  # noqa: B017 - the oracle: Keras refuses this kernel size
        keras.layers.Conv2D(4, value)
    model = tmp_path / "m.py"
    model.write_text(f"from keras import layers, Sequential\nm = Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, {value!r})])\n")
    assert cli.main([str(model)]) == 2
    assert "'kernel_size' must be a whole number ≥ 1 or a tuple of them" in capsys.readouterr().err


@pytest.mark.parametrize("value", [-5, 3.5, "abc", None], ids=repr)
def test_torch_source_refuses_what_torch_refuses(value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception):  # noqa: B017 - the oracle: torch refuses this size
        torch.nn.Linear(4, value)
    model = tmp_path / "m.py"
    model.write_text(
        "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        f"        self.fc = nn.Linear(4, {value!r})\n"
    )
    assert cli.main([str(model)]) == 2
    assert f"{model}:5:" in (err := capsys.readouterr().err) and "'out_features' must be a whole number ≥ 1" in err


@pytest.mark.parametrize(("in_channels", "out_channels"), [(3, 8), (4, 6)])
def test_torch_groups_must_divide_the_channels(in_channels: int, out_channels: int, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="must be divisible by groups"):  # the oracle
        torch.nn.Conv2d(in_channels, out_channels, 3, groups=4 if in_channels == 4 else 2)
    model = tmp_path / "m.py"
    groups = 4 if in_channels == 4 else 2
    model.write_text(
        "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        f"        self.c = nn.Conv2d({in_channels}, {out_channels}, 3, groups={groups})\n"
    )
    assert cli.main([str(model)]) == 2
    assert "must be divisible by groups" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "shown"), [
    ("f", "the function f"), ("A", "the class A"), ("len", "the built-in len"), ("lambda: 3", "a lambda"),
])
def test_a_value_is_shown_as_the_user_wrote_it(value: str, shown: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.py"
    model.write_text(
        "from keras import layers, Sequential\ndef f():\n    return 3\nclass A:\n    pass\n"
        f"m = Sequential([layers.Input((4,)), layers.Dense({value})])\n"
    )
    assert cli.main([str(model)]) == 2
    err = capsys.readouterr().err
    assert f"'units' must be a whole number ≥ 1; got {shown}" in err
    assert "object at 0x" not in err and "Function(" not in err and "ClassValue(" not in err


def test_kernel_size_of_the_wrong_length_in_a_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {
        "module": "keras", "class_name": "Sequential",
        "config": {"name": "s", "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 8, 1], "name": "in"}},
            {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3, 3]}},
        ]},
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    assert cli.main([str(path)]) == 2
    assert "config.layers[1].config.kernel_size" in capsys.readouterr().err
