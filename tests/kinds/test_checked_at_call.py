"""Arguments a framework's constructor stores unchecked and only the call rejects: the layer is made (so its
count is read, as the framework builds the model) and the call fails where the framework's call fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paramwise import kinds
from paramwise.cli import main
from paramwise.errors import KindError

torch = pytest.importorskip("torch")

CASE = Path(__file__).resolve().parent.parent / "cases" / "torch" / "avgpool_float_kernel.py"


def test_torch_pool_with_a_float_kernel_is_made_and_its_forward_fails_as_torch_s(capsys: pytest.CaptureFixture[str]) -> None:
    pool = torch.nn.AvgPool2d(7.0)  # torch makes it ...
    with pytest.raises(TypeError):
        pool(torch.zeros(1, 8, 14, 14))  # ... and its forward refuses the float
    assert main([str(CASE), "--input-shape", "1,3,16,16", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "the forward could not be followed" in captured.err and "'kernel_size' must be a whole number" in captured.err
    report = json.loads(captured.out)
    pool_row = next(r for r in report["layers"] if r["name"] == "pool")
    assert pool_row["output_shape"] is None and pool_row["params"] == 0


def test_a_float_conv_kernel_is_still_refused_when_made() -> None:
    with pytest.raises(TypeError):
        torch.nn.Conv2d(3, 4, 3.0)  # torch's constructor itself refuses this one
    with pytest.raises(KindError, match="kernel_size"):
        kinds.make("torch", "Conv2d", (3, 4, 3.0), {})
