"""Models spread over a package, read statically (the project's imports followed, never run) and compared
with the framework building them from the same files.

torchvision is not installed here; its model files are in fixture packages named `torchvision`, as they are in
torchvision, with their sibling imports. tv_classic holds older files whose imports are all model code
(resnet.py, mobilenetv2.py, mobilenetv3.py and the utils.py they import). tv_modern holds squeezenet.py and
shufflenetv2.py as they are today; the modules they import only for pretrained weights, the model hub and
logging (models/_api.py, _meta.py, _utils.py, transforms/_presets.py, utils.py) are small stand-ins that both
paramwise and torch read: weights can be named, never loaded. Each fixture's LICENSE says which is which."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from project_oracle import PROJECTS, build

import keras_oracle
import torch_oracle
from paramwise.frontends import ReadOptions, read_path
from paramwise.frontends.target import parse_target, resolve_target
from paramwise.infer import infer

# (fixture folder, entry, constructor keywords): an entry is a script whose `model` is the model, or
# `file.py:Name` / `pkg.module:Name` (a class or a builder function, called with the keywords)
TORCH = [
    ("vit_relative", "train.py", None),
    ("vit_relative", "vitlab/models/vit.py:ViT", {"depth": 1, "embed_dim": 32}),
    ("vit_relative", "vitlab.models.vit:Block", {"dim": 16, "num_heads": 2}),
    ("resnet_absolute", "train.py", None),
    ("resnet_absolute", "models/resnet.py:ResNet", {}),
    ("star_all", "build.py", None),
    ("star_noall", "build.py", None),
    ("circular", "build.py", None),
    ("circular", "cyc.decoder:Decoder", {"d": 24}),
    ("circular_late", "build.py", None),
    ("import_as", "build.py", None),
    ("tv_classic", "build_resnet.py", None),
    ("tv_classic", "build_mobilenet.py", None),
    ("tv_classic", "build_mobilenet_v3.py", None),
    ("tv_classic", "build_resnext.py", None),
    ("tv_classic", "torchvision.models.resnet:resnet50", {"num_classes": 10}),
    ("namespace_pkg", "build.py", None),
    ("namespace_pkg", "nets/tagger.py:Tagger", {}),
    ("dataclass_cfg", "train.py", None),
    ("subclass_chain", "build.py", None),
    ("subclass_chain", "zoo.cnn.simple:SimpleCNN", {"width": 4}),
    ("deep_relative", "build.py", None),
    ("optional_import", "build.py", None),
    ("reexport_chain", "build.py", None),
    ("reexport_chain", "unetlab:UNet", {"base": 4}),
    ("scripts_subdir", "scripts/train.py", None),
    ("scripts_subdir", "detector.model:TinyYolo", {}),
    ("import_dotted", "build.py", None),
    ("star_host", "build.py", None),
    ("tv_modern", "build_squeezenet.py", None),
    ("tv_modern", "build_shufflenet.py", None),
    ("tv_modern", "torchvision.models.shufflenetv2:shufflenet_v2_x1_0", {"num_classes": 10}),
    ("tv_modern", "torchvision/models/squeezenet.py:SqueezeNet", {"version": "1_0"}),
]
KERAS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("keras_functional", "train.py", None),
    ("keras_functional", "kfn/model.py:build_model", {"widths": (8, 16, 24)}),
    ("keras_subclass", "build.py", None),
    ("keras_config", "build.py", None),
    ("keras_config", "app.net:make_mlp", {}),
    ("keras_custom_layer", "build.py", None),
]


def read(root: Path, entry: str, kwargs: dict[str, Any] | None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """paramwise's report for the entry, read as the command line reads it from the fixture's folder."""
    monkeypatch.chdir(root)
    path, attr = resolve_target(parse_target(entry))
    options = ReadOptions(class_name=attr, class_args=((), dict(kwargs or {})))
    found, chosen = read_path(path, options)
    return infer(found[chosen].require())


@pytest.mark.parametrize(("project", "entry", "kwargs"), TORCH, ids=[f"{p}/{e}" for p, e, _ in TORCH])
def test_torch_project_matches_torch(project: str, entry: str, kwargs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = PROJECTS / project
    report = read(root, entry, kwargs, monkeypatch)
    assert report.complete, report.unread
    model = build(root, entry, kwargs)
    assert torch_oracle.compare(report, model) == []


@pytest.mark.parametrize(("project", "entry", "kwargs"), KERAS, ids=[f"{p}/{e}" for p, e, _ in KERAS])
def test_keras_project_matches_keras(project: str, entry: str, kwargs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = PROJECTS / project
    report = read(root, entry, kwargs, monkeypatch)
    assert report.complete, report.unread
    import keras

    keras_oracle.install_tensorflow_alias()
    keras.backend.clear_session()  # layer names count from the start of a session, as paramwise names them
    model = build(root, entry, kwargs)
    assert keras_oracle.compare(report, model) == []


def test_fixtures_have_no_stray_files() -> None:
    """No compiled or weight files among the fixtures (the oracle's imports may write __pycache__ folders, which git
    ignores: they are not fixtures)."""
    for root, dirs, files in os.walk(PROJECTS):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        assert not any(f.endswith((".pyc", ".pt", ".safetensors")) for f in files), root


def test_path_option_finds_a_library_outside_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    root = PROJECTS / "extra_path"
    vendor = str(root / "vendor")
    alone = infer(read_path(str(root / "app" / "model.py"), ReadOptions())[0][0].require())
    assert not alone.complete  # sharedlib is outside the project: unknown without --path
    report = infer(read_path(str(root / "app" / "model.py"), ReadOptions(paths=(vendor,)))[0][0].require())
    assert report.complete, report.unread
    monkeypatch.syspath_prepend(vendor)
    model = build(root / "app", "model.py")
    assert torch_oracle.compare(report, model) == []


def test_a_missing_module_stays_unknown_and_says_where() -> None:
    path = PROJECTS / "missing_module" / "broken" / "net.py"
    report = infer(read_path(str(path), ReadOptions())[0][0].require())
    assert not report.complete
    assert any(w.location is not None and w.location.file.endswith("net.py") and w.location.line == 9
               for w in report.warnings)
