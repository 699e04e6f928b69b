"""Bad input gives a compiler-style message (file:line:col, the line, a caret, a hint), exit code 2 and no
traceback; files that would do harm if run are read like any other, and nothing of them runs."""

from __future__ import annotations

import ast
import json
import os
import time
from importlib import resources
from pathlib import Path

import pytest

from helpers import CASES, ROOT
from paramwise.cli import main
from paramwise.errors import WARNINGS

ERROR_CASES = sorted((CASES / "errors").glob("*.py"))
REPO = ROOT.parent


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", ERROR_CASES, ids=[p.stem for p in ERROR_CASES])
def test_error_message_matches_golden(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_goldens: bool
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0")  # the step budget decides, not how busy the machine is
    code, out, err = run_cli([str(path.relative_to(REPO))], capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    expected = path.with_suffix(".stderr")
    if update_goldens or not expected.exists():
        expected.write_text(err)
    assert err == expected.read_text()


def test_every_error_names_a_location_and_a_hint() -> None:
    for path in ERROR_CASES:
        text = path.with_suffix(".stderr").read_text()
        assert "error: " in text and "\nhint: " in text, path.name


def message(name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0")  # the step budget decides, not how busy the machine is
    code, _, err = run_cli([f"tests/cases/errors/{name}.py"], capsys)
    assert code == 2
    return err


def test_syntax_error_points_at_the_open_bracket(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    err = message("syntax_error", capsys, monkeypatch)
    assert err.startswith("tests/cases/errors/syntax_error.py:4:10: error: syntax error: '(' was never closed\n")
    assert "    def build(units:\n             ^\n" in err
    assert "hint: add the missing closing bracket" in err


def test_conv2d_fed_a_2d_tensor(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    err = message("conv2d_on_2d_input", capsys, monkeypatch)
    assert "conv2d_on_2d_input.py:5:5: error: Conv2D 'conv2d' expects a 4-D input (batch, h, w, c); got (None, 28, 28)" in err
    assert "hint: add a channel axis" in err


def test_kernel_larger_than_its_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    err = message("kernel_larger_than_input", capsys, monkeypatch)
    assert "kernel_larger_than_input.py:7:11: error: Conv2D 'conv2d_1' kernel 5x5 does not fit the input (None, 3, 3, 8)" in err
    assert "hint: use padding='same'" in err


def test_model_without_input_shape(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    err = message("no_input_shape", capsys, monkeypatch)
    assert "no_input_shape.py:4:9: error: model 'sequential' has no input shape" in err
    assert "hint: add input_shape=(...) to the first layer" in err


def test_endless_loop_stops_quickly_on_the_step_budget(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("endless_loop", "huge_range"):
        start = time.monotonic()
        err = message(name, capsys, monkeypatch)
        assert time.monotonic() - start < 30
        assert "steps to evaluate; stopped" in err


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["tests/cases/errors/no_input_shape.py", "--debug"]) == 2  # the same exit code as without --debug
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "InputError" in err


HARMFUL = '''
import os
import subprocess
import shutil
import keras
from keras import layers

MARKER = {marker!r}
open(MARKER, "w").write("ran")
os.system("touch " + MARKER)
subprocess.run(["touch", MARKER])
exec("open(MARKER, 'w').write('ran')")
eval("__import__('os').system('touch ' + MARKER)")
__import__("os").system("touch " + MARKER)
shutil.copy(__file__, MARKER)
compile("x = 1", "f", "exec")
getattr(os, "system")("touch " + MARKER)

model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
'''


def test_nothing_of_the_file_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "marker"
    source = tmp_path / "harmful.py"
    source.write_text(HARMFUL.format(marker=str(marker)))
    code, out, _ = run_cli([str(source)], capsys)
    assert code == 0
    assert "15" in out  # the model is still read: Dense(3) on 4 features
    assert not marker.exists()
    assert not os.path.exists(marker)


# -- the registry of warning codes ---------------------------------------------------------------------

SRC = Path(__file__).resolve().parent.parent / "src" / "paramwise"


def codes_in_source() -> dict[str, str]:
    """Each warning code the source passes to Diagnostic(...) or a reader's warn(...), with one place it is."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            args = node.args[:1] + [k.value for k in node.keywords if k.arg == "code"]
            if name in ("Diagnostic", "warn"):
                for arg in args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.setdefault(arg.value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_warning_code_is_registered_and_used() -> None:
    used = codes_in_source()
    unregistered = {code: where for code, where in used.items() if code not in WARNINGS}
    assert not unregistered, f"add these codes to errors.WARNINGS: {unregistered}"
    assert sorted(set(WARNINGS) - set(used)) == []  # a code no warning uses any more


def test_the_readme_and_the_schema_list_every_warning_code() -> None:
    readme = (SRC.parent.parent / "README.md").read_text()
    assert [code for code in WARNINGS if f"| `{code}` |" not in readme] == []
    schema = json.loads(resources.files("paramwise").joinpath("schema.json").read_text())
    assert schema["$defs"]["warning"]["properties"]["code"]["enum"] == sorted(WARNINGS)
