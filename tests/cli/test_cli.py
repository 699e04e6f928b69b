"""The command line: options, formats, model choice, bindings and exit codes."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from helpers import CASES, ROOT
from paramwise.cli import main
from paramwise.cli.summary import build_parser

REPO = ROOT.parent
LESSON_PASTE = REPO / "examples" / "cnn_lesson_pasted.txt"
TWO_MODELS = CASES / "keras" / "s_model_as_layer.py"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def schema() -> dict[str, object]:
    data: dict[str, object] = json.loads(resources.files("paramwise").joinpath("schema.json").read_text())
    return data


def test_help_mentions_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    options = [s for action in build_parser()._actions for s in action.option_strings if s.startswith("--")]
    assert len(options) > 10
    for option in options:
        assert option in text, option
    assert "exit codes" in text


def test_table_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(REPO / "examples" / "mnist_cnn.py")], capsys)
    assert code == 0
    assert "Total params: 542,230" in out
    assert "(3·3·1 + 1)·32 = 320" in out


def test_json_format_follows_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run([str(REPO / "examples" / "mnist_cnn.py"), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, schema())
    assert data["total"] == 542230 and data["layers"][0]["output_shape"][0] is None


def test_symbolic_counts_are_strings_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    path = CASES / "pasted" / "undefined_classes.txt"
    code, out, _ = run([str(path), "--format", "json", "--quiet"], capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, schema())
    assert isinstance(data["total"], str) and "num_classes" in data["total"]
    assert data["symbols"] == ["n_features", "num_classes"]


def test_markdown_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(REPO / "examples" / "mnist_cnn.py"), "--format", "markdown"], capsys)
    assert code == 0
    assert out.lstrip().startswith(("|", "#", "**"))
    assert "542,230" in out


def test_list_shows_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(TWO_MODELS), "--list"], capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["encoder", "head", "model"]
    assert "parameters" in lines[0]


def test_model_option_picks_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(TWO_MODELS), "--model", "head"], capsys)
    assert code == 0
    assert 'Model: "head"' in out


def test_unknown_model_name_is_exit_2_with_the_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(TWO_MODELS), "--model", "decoder"], capsys)
    assert code == 2 and out == ""
    assert "error: no model named 'decoder'" in err
    assert "hint: models found: encoder, head, model" in err


def test_set_binds_an_undefined_size(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(LESSON_PASTE), "--set", "img_SIZE=64"], capsys)
    assert code == 0
    assert "(None, 64, 64, 32)" in out and "(None, 32, 32, 128)" in out
    assert "Total params: 128,952" in out
    assert "is not defined" not in err


def test_set_needs_name_equals_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(LESSON_PASTE), "--set", "img_SIZE"], capsys)
    assert code == 2
    assert "--set needs NAME=VALUE" in err


def test_quiet_hides_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(LESSON_PASTE), "--quiet"], capsys)
    assert code == 0 and err == ""
    code, _, err = run([str(LESSON_PASTE)], capsys)
    assert "warning: replaced curly quotes on 6 lines with plain ones: 5, 7, 11, 13, 17, 19" in err  # one warning, its lines
    assert "--quiet hides them" in err


def test_input_shape_builds_a_model_the_file_never_builds(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / "unbuilt" / "subclassed_never_built.py"
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "has no input shape" in err
    code, out, _ = run([str(path), "--input-shape", "28,28,1"], capsys)
    assert code == 0
    assert "(None, 26, 26, 32)" in out


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(LESSON_PASTE.read_text()))
    code, out, _ = run(["-", "--quiet"], capsys)
    assert code == 0 and "128,952" in out


def test_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run([str(REPO / "examples" / "mnist_cnn.py")], capsys)[0] == 0
    assert run([str(tmp_path / "missing.py")], capsys)[0] == 2
    assert run([str(CASES / "errors" / "no_input_shape.py")], capsys)[0] == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["--format", "yaml", str(REPO / "examples" / "mnist_cnn.py")])
    assert exit_info.value.code == 2
    capsys.readouterr()


def test_the_hint_names_every_reader_and_only_readers_that_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The hint for an input nobody recognises names the formats paramwise reads, and each one it names is a
    reader that is registered."""
    from paramwise.frontends import DIRECTORY_FRONTENDS, FRONTENDS

    unknown = tmp_path / "model.xyz"
    unknown.write_bytes(b"\x00\x01 not a model")
    assert main([str(unknown)]) == 2
    err = capsys.readouterr().err
    assert "does not recognise this input" in err
    named = {".onnx": "files.onnx", ".gguf": "files.gguf", "config.json": "files.hf", ".safetensors": "files.checkpoint",
             ".keras": "files.keras_archive", ".h5": "files.keras_h5"}
    for text, reader in named.items():
        assert text in err, text
        assert reader in FRONTENDS or reader in DIRECTORY_FRONTENDS, reader


ARGS_NET = """\
import torch.nn as nn
class Net(nn.Module):
    def __init__(self, widths=(8, 8), depth=2, cfg=None):
        super().__init__()
        extra = (cfg or {}).get("extra", 0)
        self.layers = nn.Sequential(*[nn.Linear(widths[0], widths[1] + extra) for _ in range(depth)])
"""


@pytest.mark.parametrize("text, args, kwargs", [
    ("widths=(16, 32), depth=1", (), {"widths": (16, 32), "depth": 1}),
    ("[4, 6], 3", ([4, 6], 3), {}),
    ("(5, 5), cfg={'extra': 2}", ((5, 5),), {"cfg": {"extra": 2}}),
])
def test_args_take_tuples_lists_and_dicts(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                          args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    from torch_oracle import build

    path = tmp_path / "net.py"
    path.write_text(ARGS_NET)
    assert main([str(path), "--class", "Net", "--args", text, "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)["total"]
    assert got == sum(p.numel() for p in build(path)["Net"](*args, **kwargs).parameters())


@pytest.mark.parametrize("text, words", [("widths=(16, 32", "unclosed"), ("a=1)", "unmatched"), ("{1}", "dict")])
def test_args_with_broken_brackets_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(ARGS_NET)
    assert main([str(path), "--class", "Net", "--args", text]) == 2
    assert words in capsys.readouterr().err
