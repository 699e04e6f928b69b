"""--debug shows tracebacks and changes nothing else: the same exit code with and without it."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from helpers import CASES, ROOT
from paramwise.cli import main, summary

MNIST = str(ROOT.parent / "examples" / "mnist_cnn.py")


def inputs(tmp: Path) -> list[list[str]]:
    (tmp / "open.py").write_text("x = (\n")
    (tmp / "bad.json").write_text('{"class_name": ')
    (tmp / "bad.safetensors").write_bytes(b"\xff" * 64)
    return [
        [str(CASES / "errors" / "conv2d_on_2d_input.py")],
        [str(CASES / "errors" / "no_model.py")],
        [str(tmp / "open.py")], [str(tmp / "bad.json")], [str(tmp / "bad.safetensors")], [str(tmp / "missing.py")],
        ["check", MNIST, "--claim-total", "541988"], ["check", MNIST, "--claim", "x"],
        [MNIST, "--max-params", "1K"], [MNIST, "--as", "keras"],
    ]


def test_debug_never_changes_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codes = []
    for args in inputs(tmp_path):
        plain = main(args)
        capsys.readouterr()
        debug = main([*args, "--debug"])
        assert capsys.readouterr().err
        assert debug == plain, args
        codes.append(plain)
    assert set(codes) == {1, 2}


def test_an_internal_error_is_exit_4_even_where_its_traceback_cannot_be_printed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class Odd(Exception):
        def __str__(self) -> str:
            raise ValueError("no text")

    def broken(args: object) -> int:
        raise Odd()

    def no_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(summary, "run", broken)
    assert main([MNIST]) == 4
    assert main([MNIST, "--debug"]) == 4
    monkeypatch.setattr(traceback, "print_exc", no_memory)
    assert main([MNIST, "--debug"]) == 4
    assert "internal error: Odd" in capsys.readouterr().err
