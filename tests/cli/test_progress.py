"""Progress on stderr: a spinner for work past a second, only where stderr is a terminal and never in JSON."""

from __future__ import annotations

import io
import time

import pytest

from helpers import ROOT
from paramwise.cli import main, output
from paramwise.cli.output import Progress

MNIST = str(ROOT.parent / "examples" / "mnist_cnn.py")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_spinner_on_a_terminal_after_its_delay_and_cleared() -> None:
    stream = Terminal()
    with Progress("reading big/", stream, after=0.0):
        time.sleep(0.3)
    assert "reading big/" in stream.getvalue()
    quick = Terminal()
    with Progress("reading small.py", quick, after=5.0):
        pass
    assert quick.getvalue() == ""  # work under the delay shows nothing
    for stream, enabled in ((io.StringIO(), True), (Terminal(), False)):  # a pipe, or JSON output
        with Progress("reading", stream, enabled=enabled, after=0.0):
            time.sleep(0.2)
        assert stream.getvalue() == ""


def test_no_progress_in_pipes_or_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(output, "PROGRESS_AFTER", 0.0)
    for args in ([MNIST, "--quiet"], [MNIST, "--quiet", "--format", "json"]):
        assert main(args) == 0
        assert capsys.readouterr().err == ""
