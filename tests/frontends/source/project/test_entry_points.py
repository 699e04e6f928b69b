"""How a project is named on the command line: a folder (its models listed), `file.py:Name` and
`pkg.module:Name` (one class, builder or model, with --args or its keyword defaults), a script that imports
its model; and what is said when the project's imports go wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_oracle import PROJECTS, build, project_on_path

import keras_oracle
import torch_oracle
from paramwise.cli import main
from paramwise.errors import EXIT_INPUT, EXIT_OK, LimitError
from paramwise.frontends import ReadOptions, read_path
from paramwise.frontends.source import loader
from paramwise.infer import infer


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def total_of(out: str) -> int:
    line = next(line for line in out.splitlines() if "Total params:" in line)
    return int(line.split(":")[1].split("(")[0].strip().replace(",", ""))


def test_a_folder_lists_the_models_its_files_build(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "vit_relative")
    code, out, _ = run(["."], capsys)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert "vitlab/models/vit.py:ViT: ViT 'ViT', " in out
    assert any(line.startswith("train.py:model: ViT 'ViT', ") for line in lines)
    assert "vitlab/models/vit.py:Block: not built (__init__() is missing the argument 'dim')" in lines
    with project_on_path(PROJECTS / "vit_relative"):
        from vitlab.models.vit import ViT

        want = sum(p.numel() for p in ViT().parameters())
    assert f"vitlab/models/vit.py:ViT: ViT 'ViT', {want:,} parameters" in lines


def test_a_folder_shows_one_model_with_model_or_a_colon(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "vit_relative")
    want = sum(p.numel() for p in build(PROJECTS / "vit_relative", "vitlab/models/vit.py:ViT", {"depth": 1}).parameters())
    code, out, _ = run([".:ViT", "--args", "depth=1"], capsys)
    assert code == EXIT_OK and total_of(out) == want
    code, out, _ = run([".", "--model", "vitlab/models/vit.py:ViT"], capsys)
    assert code == EXIT_OK and "Model: \"ViT\"" in out


@pytest.mark.parametrize("target", ["vitlab/models/vit.py:ViT", "vitlab.models.vit:ViT", "vitlab.models:ViT"])
def test_a_class_by_file_or_module_with_args(target: str, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "vit_relative")
    model = build(PROJECTS / "vit_relative", "vitlab.models.vit:ViT", {"depth": 3, "embed_dim": 32, "mlp_ratio": 4.0})
    code, out, _ = run([target, "--args", "depth=3, embed_dim=32, mlp_ratio=4.0"], capsys)
    assert code == EXIT_OK
    assert total_of(out) == sum(p.numel() for p in model.parameters())


def test_keyword_defaults_are_used_without_args(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "resnet_absolute")
    code, out, _ = run(["models.resnet:ResNet"], capsys)
    assert code == EXIT_OK
    assert total_of(out) == sum(p.numel() for p in build(PROJECTS / "resnet_absolute", "models.resnet:ResNet", {}).parameters())


def test_a_script_that_imports_neither_framework(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(PROJECTS / "resnet_absolute" / "train.py")], capsys)
    assert code == EXIT_OK
    assert total_of(out) == sum(p.numel() for p in build(PROJECTS / "resnet_absolute", "train.py").parameters())


def test_path_option(capsys: pytest.CaptureFixture[str]) -> None:
    root = PROJECTS / "extra_path"
    code, out, _ = run([str(root / "app" / "model.py"), "--path", str(root / "vendor"), "--strict"], capsys)
    assert code == EXIT_OK
    code, _, err = run([str(root / "app" / "model.py"), "--strict"], capsys)
    assert code == EXIT_INPUT and "sharedlib.norms.ConvGN" in err


@pytest.mark.parametrize(("target", "message"), [
    ("nowhere.models:Net", "no module named 'nowhere.models' under the current folder"),
    ("models/resnet.py:Missing", "no class named 'Missing' in models/resnet.py"),
    ("models/resnet.py:not-a-name", "'not-a-name' is not a Python name"),
])
def test_bad_targets_are_clear_errors(target: str, message: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "resnet_absolute")
    code, _, err = run([target], capsys)
    assert code == EXIT_INPUT
    assert message in err and "Traceback" not in err


def test_a_circular_import_python_refuses_is_a_located_error(capsys: pytest.CaptureFixture[str]) -> None:
    root = PROJECTS / "circular_error"
    with pytest.raises(ImportError, match="partially initialized module"):
        build(root, "build.py")  # Python refuses it too
    code, _, err = run([str(root / "build.py")], capsys)
    assert code == EXIT_INPUT
    assert "circular_error/loop/b.py:3:1: error: cannot import name 'WIDTH' from partially initialized module 'loop.a'" in err


def test_messages_name_the_imported_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "parts.py").write_text("import torch.nn as nn\n\n\ndef head(d):\n    return nn.Linear(d, CLASSES)\n")
    (tmp_path / "net.py").write_text("import torch.nn as nn\nfrom parts import head\n\nmodel = nn.Sequential(nn.Linear(4, 8), head(8))\n")
    report = infer(read_path(str(tmp_path / "net.py"), ReadOptions())[0][0].require())
    where = [w.location for w in report.warnings if "CLASSES" in w.message]
    assert where and where[0].file.endswith("parts.py") and where[0].line == 5
    assert where[0].source_line.strip() == "return nn.Linear(d, CLASSES)"


def test_each_file_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = loader.parse_source
    monkeypatch.setattr(loader, "parse_source", lambda name, text: parsed.append(name) or real(name, text))
    monkeypatch.setattr(loader, "_PARSED", type(loader._PARSED)())
    path = str(PROJECTS / "circular" / "build.py")
    read_path(path, ReadOptions())
    assert sorted(parsed) == sorted(set(parsed)) and len(parsed) == 3  # cyc/__init__, encoder, decoder
    read_path(path, ReadOptions())
    assert len(parsed) == 3  # a second read of the unchanged project parses nothing again


def test_the_number_of_project_files_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILES", 3)
    with pytest.raises(LimitError, match="more than 3 files of its project"):
        read_path(str(PROJECTS / "vit_relative" / "train.py"), ReadOptions())


def test_a_model_in_an_imported_file_matches_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "tv_classic")
    found, chosen = read_path("torchvision/models/mobilenetv2.py", ReadOptions(class_name="MobileNetV2"))
    model = build(PROJECTS / "tv_classic", "torchvision.models.mobilenetv2:MobileNetV2", {})
    assert torch_oracle.compare(infer(found[chosen].require()), model) == []


def test_a_chain_of_imports_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    for i in range(80):
        (tmp_path / f"m{i}.py").write_text(f"import m{i + 1}\n")
    (tmp_path / "net.py").write_text("import torch.nn as nn\nimport m0\nmodel = nn.Linear(2, 2)\n")
    with pytest.raises(LimitError, match="imports nest more than 64 modules deep") as info:
        read_path(str(tmp_path / "net.py"), ReadOptions())
    assert info.value.location is not None and info.value.location.file.endswith(".py")


def test_a_module_too_large_is_refused_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "big.py").write_text("X = 1\n" * 50)
    (tmp_path / "net.py").write_text("import torch.nn as nn\nfrom big import X\nmodel = nn.Linear(X, 2)\n")
    with pytest.raises(LimitError, match="big.py: a module of 300 bytes"):
        read_path(str(tmp_path / "net.py"), ReadOptions())


def test_relative_imports_above_the_project_stay_unknown(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "net.py").write_text("import torch.nn as nn\nfrom ..... import far\nmodel = nn.Linear(2, 2)\n")
    report = infer(read_path(str(tmp_path / "pkg" / "net.py"), ReadOptions())[0][0].require())
    assert report.total == 6


def test_a_folder_listing_says_what_it_left_out(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from paramwise.frontends.source import project

    monkeypatch.setattr(project, "MAX_DIR_FILES", 2)
    monkeypatch.chdir(PROJECTS / "resnet_absolute")
    code, out, _ = run(["."], capsys)
    assert code == EXIT_OK
    assert out.splitlines()[-1].startswith("...: not built (3 more .py files not read (a folder listing reads at most 2 files")


def test_a_keras_folder_lists_its_builder_functions(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import keras

    monkeypatch.chdir(PROJECTS / "keras_functional")
    code, out, _ = run(["."], capsys)
    assert code == EXIT_OK
    keras_oracle.install_tensorflow_alias()
    keras.backend.clear_session()
    want = build(PROJECTS / "keras_functional", "kfn.model:build_model", {}).count_params()
    assert out.splitlines()[1:] == [f"kfn/model.py:build_model: Functional 'kfn', {want:,} parameters"]  # not again from __init__


def test_a_folder_listing_stops_after_its_time(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from paramwise.frontends.source import project

    monkeypatch.setattr(project, "MAX_DIR_SECONDS", 0.0)
    monkeypatch.chdir(PROJECTS / "resnet_absolute")
    code, out, _ = run(["."], capsys)
    assert code == EXIT_OK  # the first file is read whatever the time
    assert out.splitlines()[-1] == "...: not built (4 more .py files not read (a folder listing stops after 0 s of reading); " \
        "give a subfolder, or FILE.py)"


def test_a_folder_whose_classes_all_need_arguments_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "blocks.py").write_text(
        "import torch.nn as nn\nclass Block(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
        "        self.fc = nn.Linear(d, d)\n")
    code, _, err = run([str(tmp_path)], capsys)
    assert code == EXIT_INPUT
    assert "no model its files define can be built without arguments (pkg/blocks.py:Block: __init__() is missing " \
        "the argument 'd')" in err
    assert f"hint: give one its arguments: paramwise {tmp_path / 'pkg' / 'blocks.py'}:Block --args ..." in err


def test_the_incomplete_banner_names_the_imported_file(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "missing_module")
    code, out, err = run(["build.py"], capsys)
    assert code == EXIT_OK
    assert "totals are lower bounds (broken/net.py:9:9: 'attn' is set to module" in " ".join(out.split())
    assert "broken/net.py:9:9: warning: 'attn' is set to module .attention.FlashAttention()" in err


def test_a_name_a_guessed_branch_did_not_define_is_unknown_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "ops.py").write_text("import torch\nif not torch.cuda.is_available():\n    FAST = True\nelse:\n"
                                     "    def fused(d):\n        return torch.nn.Linear(d, d)\n")
    (tmp_path / "net.py").write_text("import torch.nn as nn\nfrom ops import fused\n"
                                     "model = nn.Sequential(fused(4), nn.Linear(4, 1))\n")
    report = infer(read_path(str(tmp_path / "net.py"), ReadOptions())[0][0].require())
    assert not report.complete and report.total == 5
