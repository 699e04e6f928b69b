"""Every value of every config replaced by a wrong one (a string, a negative, a float, null, a list, a huge
number, a bool): the reading either counts or says which key is wrong (an InputError), never crashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paramwise.errors import InputError
from paramwise.frontends import ReadOptions
from paramwise.frontends.files.hf import read_config
from paramwise.infer import infer

CASES = Path(__file__).parents[3] / "cases" / "hf"
WRONG: list[Any] = ["x", -1, 0, 1.5, None, [], {}, 2**70, True, [3, -1]]
LAYER_KEYS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers", "encoder_layers", "decoder_layers")


def small(data: dict[str, Any]) -> dict[str, Any]:
    """The config with 2 layers (the values under test are read once per layer; the layers add nothing)."""
    return {k: (2 if k in LAYER_KEYS else v) for k, v in data.items()}


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.json")))
def test_a_wrong_value_anywhere_is_a_located_error_or_a_count(name: str) -> None:
    data = small(json.loads((CASES / f"{name}.json").read_text()))
    for key in [k for k in data if k not in ("model_type", "architectures")]:
        for value in WRONG:
            try:
                report = infer(read_config({**data, key: value}, "config.json", ReadOptions()).require())
            except InputError as e:
                assert e.location is not None and e.location.file == "config.json", (key, value, e.message)
                continue
            assert isinstance(report.total, int) and report.total > 0, (key, value)
