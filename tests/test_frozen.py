"""paramwise's records (`@frozen`) are immutable for the type checker and hashable, equal by value, at run time."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from paramwise.errors import Location


def test_the_type_checker_refuses_an_assignment_to_a_field(tmp_path: Path) -> None:
    code = tmp_path / "assigns.py"
    code.write_text("from paramwise.errors import Location\n"
                    "from paramwise.ir import Weight\n"
                    "def f(loc: Location, w: Weight) -> None:\n"
                    "    loc.line = 3\n"
                    "    w.name = 'kernel'\n")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(code)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    assert 'assigns.py:4: error: Property "line" defined in "Location" is read-only' in result.stdout
    assert 'assigns.py:5: error: Property "name" defined in "Weight" is read-only' in result.stdout


def test_records_are_values() -> None:
    a, b = Location("model.py", 3, 7), Location("model.py", 3, 7)
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert replace(a, col=8) != a and a.col == 7
