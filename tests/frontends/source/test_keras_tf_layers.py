"""Keras layers that need TensorFlow to be built (StringLookup, IntegerLookup, TextVectorization, Hashing,
HashedCrossing): the cases in tests/cases/keras_tf/ are read by paramwise and built by Keras 3 on the
TensorFlow backend, under the Python named by PARAMWISE_TF_PYTHON (.ci/run makes one); every layer's output
shape and parameter count must agree. Without that Python the test is skipped, saying how to get one."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import paramwise
from helpers import CASES

VARIABLE = "PARAMWISE_TF_PYTHON"
TF_CASES = sorted((CASES / "keras_tf").glob("*.py"))
# runs the (trusted) case file with Keras on TensorFlow and prints {layer name: [output shape, count_params()]}
ORACLE = """
import json, os, runpy, sys
os.environ["KERAS_BACKEND"] = "tensorflow"
model = runpy.run_path(sys.argv[1], run_name="__case__")["model"]
print(json.dumps({l.name: [list(l.output.shape), l.count_params()] for l in model.layers}))
"""


def keras_on_tensorflow(path: Path) -> dict[str, list[object]]:
    python = os.environ.get(VARIABLE, "")
    if not python:
        pytest.skip(f"{VARIABLE} is not set (a Python with tensorflow-cpu; .ci/run makes one)")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", KERAS_BACKEND="tensorflow")
    env.pop("PYTHONPATH", None)
    done = subprocess.run([python, "-c", ORACLE, str(path)], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("path", TF_CASES, ids=[p.stem for p in TF_CASES])
def test_layers_match_keras_on_tensorflow(path: Path) -> None:
    truth = keras_on_tensorflow(path)
    report = paramwise.summary(path)
    assert report.complete
    ours = {row.name: [list(row.output_shape) if row.output_shape is not None else None, row.params]
            for row in report.rows if row.depth == 0}
    assert ours == truth
