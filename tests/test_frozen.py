"""paramwise's records (`@frozen`) are immutable for the type checker and hashable, equal by value, at run time;
`paramwise.frozen.replace` is `dataclasses.replace` to the type checker and gives what it gives."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from paramwise.errors import Location
from paramwise.frozen import frozen, replace
from paramwise.ir import Weight
from paramwise.kinds.base import factor
from paramwise.report import Report


def mypy_says(path: Path, text: str) -> str:
    """What mypy --strict says of `text` written to `path` (which must have errors)."""
    path.write_text(text)
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    return result.stdout


def test_the_type_checker_refuses_an_assignment_to_a_field(tmp_path: Path) -> None:
    out = mypy_says(tmp_path / "assigns.py", "from paramwise.errors import Location\n"
                                             "from paramwise.ir import Weight\n"
                                             "def f(loc: Location, w: Weight) -> None:\n"
                                             "    loc.line = 3\n"
                                             "    w.name = 'kernel'\n")
    assert 'assigns.py:4: error: Property "line" defined in "Location" is read-only' in out
    assert 'assigns.py:5: error: Property "name" defined in "Weight" is read-only' in out


def test_records_are_values() -> None:
    a, b = Location("model.py", 3, 7), Location("model.py", 3, 7)
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert replace(a, col=8) != a and a.col == 7


def test_the_type_checker_checks_a_replace(tmp_path: Path) -> None:
    out = mypy_says(tmp_path / "replaces.py", "from paramwise.errors import Location\n"
                                              "from paramwise.frozen import replace\n"
                                              "def f(loc: Location) -> Location:\n"
                                              "    replace(loc, lines=3)\n"
                                              "    return replace(loc, line='3')\n")
    assert 'replaces.py:4: error: Unexpected keyword argument "lines"' in out, out
    assert 'replaces.py:5: error: Argument "line" to "replace" of "Location" has incompatible type' in out, out


@frozen
class Record:
    name: str
    sizes: tuple[int, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def total(self) -> int:
        return sum(self.sizes)


@dataclass
class Checked:
    value: int
    double: int = 0

    def __post_init__(self) -> None:
        self.double = 2 * self.value


@pytest.mark.parametrize("obj, changes", [
    (Record("a", (1, 2), {"k": 1}), {"sizes": (5,)}),
    (Record("a"), {}),
    (Location("model.py", 3, 7), {"col": 8, "line": 1}),
    (Weight("kernel", (factor(3, "c_in"), factor(4, "units"))), {"trainable": False}),
    (Checked(2), {"value": 5}),  # __post_init__: made by dataclasses.replace
])
def test_replace_gives_what_dataclasses_replace_gives(obj: Any, changes: dict[str, Any]) -> None:
    ours, theirs = replace(obj, **changes), dataclasses.replace(obj, **changes)
    assert ours == theirs and repr(ours) == repr(theirs) and type(ours) is type(obj)
    assert vars(ours) == vars(theirs)
    assert ours is not obj


def test_replace_does_not_copy_what_is_not_a_field() -> None:
    a = Record("a", (1, 2))
    assert a.total == 3
    b = replace(a, sizes=(10,))
    assert b.total == 10 and a.total == 3  # the cached total is worked out again, not copied


def test_replace_refuses_a_name_that_is_not_a_field() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'lines'"):
        replace(Location("model.py", 3, 7), lines=3)  # type: ignore[call-arg]


def test_replace_of_a_report_keeps_every_field() -> None:
    report = Report(framework="keras", model="m", source="s", rows=(), total=5, trainable=5, non_trainable=0,
                    buffers=0, total_bytes=20)
    assert dataclasses.asdict(replace(report, total=6)) == {**dataclasses.asdict(report), "total": 6}
