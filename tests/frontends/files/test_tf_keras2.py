"""tf.keras 2.x as the oracle: models built with tf-keras (the Keras 2 API on TensorFlow), written as
`to_json()` text and legacy full-model .h5 files, then read by paramwise and compared with Keras' own figures
(total, trainable, every layer's count, weight shapes and output shapes).

TensorFlow does not live in the test environment (tf-keras would downgrade its h5py): tests/tf_keras2_oracle.py
runs once under the Python named by PARAMWISE_TF_PYTHON, writes the files and a manifest of the figures, and the
tests here compare paramwise's reading of each file with that manifest. Skipped when the variable is unset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from keras_oracle import compare_figures

HERE = Path(__file__).parent
SCRIPT = HERE.parent.parent / "tf_keras2_oracle.py"  # tests/, beside the other oracles
VARIABLE = "PARAMWISE_TF_PYTHON"
INSTALL = 'python3 -m venv .venv-tf && .venv-tf/bin/pip install "tensorflow-cpu==2.21.0" "tf-keras==2.21.0" h5py'
HINT = f"set {VARIABLE} to a Python with tensorflow and tf-keras ({INSTALL}; export {VARIABLE}=$PWD/.venv-tf/bin/python)"
HAND_BUILT = ["attention_scores", "batchnorm_list_axis", "functional_graph", "sequence_model", "sequential_cnn",
              "sequential_with_input_layer"]
# batchnorm_list_axis: tf.keras 2.x BatchNormalization over several axes (weights shaped like the input, 1 elsewhere)
FILE_CASES = HAND_BUILT
APPLICATIONS = ["NASNetMobile", "NASNetLarge", "MobileNetV3Small", "ConvNeXtTiny", "InceptionResNetV2"]
BAD_WARNINGS = ("unknown_layer", "unreadable_layer", "stored_mismatch")


def tf_python() -> str:
    """The TensorFlow interpreter from the environment, or skip saying how to get one."""
    python = os.environ.get(VARIABLE, "")
    if not python:
        pytest.skip(f"{VARIABLE} is not set: {HINT}")
    probe = [python, "-c", "import tensorflow, tf_keras"]
    try:
        subprocess.run(probe, check=True, capture_output=True, timeout=300, env=oracle_env())
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"{VARIABLE}={python} cannot import tensorflow and tf_keras ({type(error).__name__}): {HINT}")
    return python


def oracle_env() -> dict[str, str]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture(scope="session")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Run the oracle script once: the folder it wrote and its manifest."""
    python = tf_python()
    folder = tmp_path_factory.mktemp("tf_keras2")
    done = subprocess.run([python, str(SCRIPT), str(folder)], capture_output=True, text=True, timeout=1800,
                          env=oracle_env())
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        pytest.fail(f"{SCRIPT.name} failed under {python} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return folder, json.loads((folder / "manifest.json").read_text())


def entry(oracle: tuple[Path, dict[str, Any]], name: str) -> dict[str, Any]:
    folder, manifest = oracle
    assert name in manifest, f"{SCRIPT.name} wrote no {name}: it has {sorted(manifest)}"
    return manifest[name]


def read(oracle: tuple[Path, dict[str, Any]], name: str, fmt: str) -> paramwise.Report:
    assert f"{name}.{fmt}" in entry(oracle, name)["files"]
    return paramwise.read(str(oracle[0] / f"{name}.{fmt}"))


def test_the_oracle_wrote_every_model(oracle: tuple[Path, dict[str, Any]]) -> None:
    assert sorted(oracle[1]) == sorted(HAND_BUILT + APPLICATIONS)


@pytest.mark.parametrize("fmt", ["json", "h5"])
@pytest.mark.parametrize("name", FILE_CASES)
def test_tf_keras_files_match(oracle: tuple[Path, dict[str, Any]], name: str, fmt: str) -> None:
    report = read(oracle, name, fmt)
    check_invariants(report)
    assert compare_figures(report, entry(oracle, name)["figures"]) == []
    assert [w for w in report.warnings if w.code in BAD_WARNINGS] == []


def configs(node: Any, class_name: str) -> list[dict[str, Any]]:
    """Every layer config of `class_name` anywhere in a to_json() tree."""
    if isinstance(node, list):
        return [c for item in node for c in configs(item, class_name)]
    if not isinstance(node, dict):
        return []
    found = [node["config"]] if node.get("class_name") == class_name else []
    return found + [c for value in node.values() for c in configs(value, class_name)]


def test_tf_keras_model_with_shared_and_nested_layers(oracle: tuple[Path, dict[str, Any]]) -> None:
    """The graph the live-model check used: a shared layer, nested models, TF functions (TFOpLambda), and a
    BatchNormalization whose `axis` the 2.x file stores as a list."""
    figures = entry(oracle, "functional_graph")["figures"]
    stored = json.loads((oracle[0] / "functional_graph.json").read_text())
    assert [c["axis"] for c in configs(stored, "BatchNormalization")] == [[1]]
    names = [layer["name"] for layer in figures["layers"]]
    assert {"shared", "fun", "inner", "head"} <= set(names)
    assert any(name.startswith("tf.") for name in names), names  # TFOpLambda layers keep the TF function's name
    for fmt in ("json", "h5"):
        report = read(oracle, "functional_graph", fmt)
        assert report.total == figures["count_params"]
        assert not [w for w in report.warnings if w.code in ("live_mismatch", "stored_mismatch")]


@pytest.mark.parametrize("name", APPLICATIONS)
def test_tf_keras_applications(oracle: tuple[Path, dict[str, Any]], name: str) -> None:
    report = read(oracle, name, "json")
    check_invariants(report)
    assert compare_figures(report, entry(oracle, name)["figures"]) == []
