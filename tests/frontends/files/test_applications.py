"""The whole Keras Applications family, built by real Keras 3 (`weights=None`) and written with `to_json()`
(and, for a few, saved as `.keras`): paramwise's total, trainable count, and every layer's count, weight
shapes and output shape must equal Keras'. Each model is built once per session; only the figures Keras
reports are kept, and the files live in a session temporary directory."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants

keras = pytest.importorskip("keras")
pytest.importorskip("torch")

APPLICATIONS = [
    "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
    "VGG16", "VGG19", "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large",
    *(f"EfficientNetB{i}" for i in range(8)),
    *(f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")),
    "DenseNet121", "DenseNet169", "DenseNet201", "InceptionV3", "InceptionResNetV2", "Xception",
    "NASNetMobile", "NASNetLarge",
    *(f"ConvNeXt{v}" for v in ("Tiny", "Small", "Base", "Large", "XLarge")),
]
# the largest builds (about two thirds of the file's time): marked slow, deselect with -m "not slow"
SLOW = {"ResNet152", "ResNet152V2", "VGG19", "DenseNet201", "NASNetLarge", "EfficientNetB3", "EfficientNetB4",
        "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
        "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"}
# also saved as .keras archives (small ones: the archive holds the randomly initialised weights)
ARCHIVED = ["MobileNetV3Small", "MobileNetV2", "EfficientNetB0", "DenseNet121"]


@dataclass(frozen=True)
class LayerFacts:
    name: str
    params: int
    weight_shapes: tuple[tuple[int, ...], ...]
    output_shape: Any


@dataclass(frozen=True)
class ModelFacts:
    """What Keras says about one model, and the files it wrote."""

    json_path: Path
    keras_path: Path | None
    total: int
    trainable: int
    layers: tuple[LayerFacts, ...]
    build_seconds: float


def facts_of(model: Any) -> tuple[LayerFacts, ...]:
    out = []
    for layer in model.layers:
        output = layer.output
        shape = [tuple(t.shape) for t in output] if isinstance(output, (list, tuple)) else tuple(output.shape)
        shapes = tuple(sorted((tuple(int(d) for d in w.shape) for w in layer.weights), key=str))
        out.append(LayerFacts(layer.name, layer.count_params(), shapes, shape))
    return tuple(out)


class Zoo:
    """Builds each application once and keeps its facts and files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[str, ModelFacts] = {}

    def get(self, name: str) -> ModelFacts:
        if name not in self.built:
            self.built[name] = self.build(name)
        return self.built[name]

    def build(self, name: str) -> ModelFacts:
        keras.backend.clear_session()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = getattr(keras.applications, name)(weights=None)
            except ValueError as e:
                if "not available with the" in str(e):
                    pytest.skip(f"Keras 3 does not build {name} with the {keras.backend.backend()} backend "
                                "(tests/frontends/files/test_tf_keras2.py checks it with tf.keras)")
                raise
        seconds = time.perf_counter() - start
        json_path = self.folder / f"{name}.json"
        json_path.write_text(model.to_json())
        keras_path = None
        if name in ARCHIVED:
            keras_path = self.folder / f"{name}.keras"
            model.save(keras_path)
        trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
        facts = ModelFacts(json_path, keras_path, model.count_params(), trainable, facts_of(model), seconds)
        del model
        keras.backend.clear_session()
        return facts


@pytest.fixture(scope="session")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Zoo:
    return Zoo(tmp_path_factory.mktemp("applications"))


def differences(report: paramwise.Report, facts: ModelFacts) -> list[str]:
    problems = []
    if report.total != facts.total:
        problems.append(f"total: paramwise {report.total}, keras {facts.total}")
    if report.trainable != facts.trainable:
        problems.append(f"trainable: paramwise {report.trainable}, keras {facts.trainable}")
    rows = {r.name: r for r in report.rows if r.depth == 0}
    for layer in facts.layers:
        row = rows.get(layer.name)
        if row is None:
            problems.append(f"{layer.name}: no row")
            continue
        if row.params != layer.params:
            problems.append(f"{layer.name}: params paramwise {row.params}, keras {layer.params}")
        ours = tuple(sorted((tuple(w.shape) for w in row.weight_objects if not w.is_buffer), key=str))
        if ours != layer.weight_shapes:
            problems.append(f"{layer.name}: weights paramwise {ours}, keras {layer.weight_shapes}")
        got = [tuple(s) for s in row.output_shape] if isinstance(row.output_shape, list) else tuple(row.output_shape or ())
        if got != layer.output_shape:
            problems.append(f"{layer.name}: output shape paramwise {got}, keras {layer.output_shape}")
    extra = set(rows) - {layer.name for layer in facts.layers}
    if extra:
        problems.append(f"rows Keras does not list: {sorted(extra)[:5]}")
    return problems


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in APPLICATIONS])
def test_application_json(name: str, zoo: Zoo) -> None:
    facts = zoo.get(name)
    report = paramwise.read(str(facts.json_path))
    check_invariants(report)
    assert differences(report, facts) == []
    assert not [w for w in report.warnings if w.code in ("unknown_layer", "unreadable_layer", "approximate_layer")]


@pytest.mark.parametrize("name", ARCHIVED)
def test_application_archive(name: str, zoo: Zoo) -> None:
    facts = zoo.get(name)
    assert facts.keras_path is not None
    report = paramwise.read(str(facts.keras_path))
    check_invariants(report)
    assert differences(report, facts) == []
    assert report.warnings == ()  # every stored tensor agrees with its formula
