"""The code stays clean: ruff, mypy --strict and the import contracts in .importlinter (imports only go down
the pipeline), as the README says (skipped where the tools are missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "src", "tests", "benchmarks"], [sys.executable, "-m", "mypy", "--strict", "src/paramwise"]],
    ids=["ruff", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    if command[0] == "ruff" and shutil.which("ruff") is None:
        pytest.skip("ruff is not installed")
    if command[0] == sys.executable:
        pytest.importorskip("mypy")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_only_go_down() -> None:
    """The contracts in .importlinter: errors -> formula -> ir -> kinds -> report -> infer -> frontends ->
    teach -> render -> cli, each importing only what is below it."""
    pytest.importorskip("importlinter")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())", "--no-cache"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
