"""paramwise's records (`@frozen`, `@record`) are dataclasses to the type checker (immutable for `@frozen`) and,
at run time, made without `dataclasses` but behaving as the same class made by `dataclasses` does: each class
below is made twice, once by each, and every difference is a failure."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from paramwise import frozen as records
from paramwise.errors import Location
from paramwise.frozen import fields, frozen, replace
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


def family(frozen: Any, record: Any, field: Any) -> SimpleNamespace:
    """The same classes, made by the given decorators (paramwise's or dataclasses')."""

    @frozen
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        note: str = field(default="", repr=False)
        kind: ClassVar[str] = "point"

        @cached_property
        def total(self) -> int:
            return self.x + self.y

    @frozen
    class Point3(Point):
        z: int = 5
        y: int = 7  # a field redefined keeps its place

    @frozen
    class Empty:
        pass

    @frozen
    class One:
        value: float

    @record
    class State:
        count: int
        seen: dict[str, int] = field(default_factory=dict)

    @record(eq=False)
    class Node:
        name: str
        children: list[Any] = field(default_factory=list)

    @record
    class Own:
        value: int

        def __eq__(self, other: object) -> bool:
            return True

        def __repr__(self) -> str:
            return "own"

    @record
    class Hashed:
        value: int

        def __hash__(self) -> int:
            return 7

    @record
    class Checked:
        value: int
        double: int = 0

        def __post_init__(self) -> None:
            self.double = 2 * self.value

    return SimpleNamespace(**{c.__name__: c for c in (Point, Point3, Empty, One, State, Node, Own, Hashed, Checked)})


OURS = family(frozen, records.record, records.field)
THEIRS = family(dataclasses.dataclass(unsafe_hash=True), dataclasses.dataclass, dataclasses.field)
CLASSES = sorted(vars(OURS))

CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Point", (1,), {}), ("Point", (1, 2), {}), ("Point", (1, 2, ["a"], "n"), {}), ("Point", (), {"x": 1, "y": 2}),
    ("Point", (1,), {"note": "n", "tags": ["t"]}), ("Point", (), {}), ("Point", (1, 2, [], "", 5), {}),
    ("Point", (1,), {"x": 2}), ("Point", (1,), {"z": 2}), ("Point", (), {"y": 1}), ("Point", (1,), {"kind": "k"}),
    ("Point3", (1,), {}), ("Point3", (1, 2, [], "", 3), {}), ("Point3", (), {"z": 1, "x": 0}), ("Point3", (), {}),
    ("Empty", (), {}), ("Empty", (1,), {}), ("Empty", (), {"a": 1}),
    ("One", (1.5,), {}), ("One", (float("nan"),), {}), ("One", (), {}), ("One", (), {"value": -0.0}),
    ("State", (3,), {}), ("State", (3, {"a": 1}), {}), ("State", (), {"seen": {}}),
    ("Node", ("n",), {}), ("Node", (), {"name": "n", "children": [1]}),
    ("Own", (1,), {}), ("Hashed", (1,), {}), ("Checked", (2,), {}), ("Checked", (2, 9), {}),
]


def made(classes: SimpleNamespace, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The record, or the text of the TypeError its __init__ raises."""
    try:
        return getattr(classes, name)(*args, **kwargs)
    except TypeError as error:
        return f"TypeError: {error}"


@pytest.mark.parametrize("written", [False, True], ids=["general", "written"])
@pytest.mark.parametrize("name, args, kwargs", CALLS)
def test_a_record_is_made_as_the_dataclass_is(name: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                                              written: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways a record is made: by the general __init__ (a class's first records) and by the one written
    for the class (all records after WRITE_AFTER; here from the first)."""
    classes = OURS
    if written:
        monkeypatch.setattr(records, "WRITE_AFTER", 0)
        classes = family(frozen, records.record, records.field)
    ours, theirs = made(classes, name, args, kwargs), made(THEIRS, name, args, kwargs)
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert vars(ours) == vars(theirs)
    # in field order, as a dataclass sets them: a class's instances share one key table only if all are set alike
    assert list(vars(ours)) == list(vars(theirs))
    assert repr(ours) == repr(theirs)
    again_ours, again_theirs = made(classes, name, args, kwargs), made(THEIRS, name, args, kwargs)
    assert (ours == again_ours) == (theirs == again_theirs)
    assert (ours != again_ours) == (theirs != again_theirs)
    assert (ours == 1) == (theirs == 1)
    assert type(ours).__hash__ is None if type(theirs).__hash__ is None else type(ours).__hash__ is not None
    if type(theirs).__hash__ is not None and not isinstance(theirs, (classes.Node, THEIRS.Node)):
        assert (hashed(ours) == hashed(again_ours)) == (hashed(theirs) == hashed(again_theirs))
        assert isinstance(hashed(ours), int) == isinstance(hashed(theirs), int)


def hashed(obj: Any) -> int | str:
    """The record's hash, or the text of the TypeError hashing it raises (a field that is a list)."""
    try:
        return hash(obj)
    except TypeError as error:
        return f"TypeError: {error}"


def test_records_of_different_values_or_classes_differ_as_dataclasses_do() -> None:
    for classes in (OURS, THEIRS):
        assert classes.Point(1) != classes.Point(2) and classes.Point(1) != classes.Point3(1)
        assert classes.Point(1, tags=["a"]) != classes.Point(1)
        assert classes.Node("n") != classes.Node("n")  # eq=False: by identity
        assert len({classes.One(1.0), classes.One(1), classes.One(2)}) == 2
    assert (OURS.Point(1) == THEIRS.Point(1)) is False  # the same fields, another class


@pytest.mark.parametrize("name", CLASSES)
def test_a_record_class_is_made_as_the_dataclass_is(name: str) -> None:
    ours, theirs = getattr(OURS, name), getattr(THEIRS, name)
    def described(found: Any, missing: object) -> list[tuple[Any, ...]]:
        return [(f.name, *("missing" if v is missing else v for v in (f.default, f.default_factory)), f.repr)
                for f in found]

    assert described(fields(ours), records._MISSING) == described(dataclasses.fields(theirs), dataclasses.MISSING)
    assert ours.__match_args__ == theirs.__match_args__
    for attribute in ("x", "y", "z", "tags", "note", "kind", "count", "seen", "value", "double", "children"):
        assert hasattr(ours, attribute) == hasattr(theirs, attribute)
        if hasattr(theirs, attribute):
            assert getattr(ours, attribute) == getattr(theirs, attribute)
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    assert ours.__init__.__qualname__ == theirs.__init__.__qualname__


def test_the_first_record_of_a_class_and_later_ones_are_made_alike() -> None:
    @frozen
    class Fresh:
        a: int
        b: list[int] = records.field(default_factory=list)

    general = Fresh.__init__
    first = [Fresh(1) for _ in range(records.WRITE_AFTER)]  # by the general __init__
    assert Fresh.__init__ is general
    later = [Fresh(1) for _ in range(3)]  # by the one written for Fresh, which replaced the general one
    assert Fresh.__init__ is not general
    assert all(vars(r) == {"a": 1, "b": []} for r in first + later) and len({id(r.b) for r in first + later}) == 67

    class Derived(Fresh):  # not a record: makes its records with Fresh's __init__
        pass

    assert vars(Derived(2, [3])) == {"a": 2, "b": [3]} and vars(Fresh(a=4)) == {"a": 4, "b": []}


def test_a_field_name_must_be_an_identifier() -> None:
    class Odd:
        pass

    Odd.__annotations__ = {"not a name": "int"}
    made = frozen(Odd)
    with pytest.raises(TypeError, match="cannot be a field of a record"):
        made()


def test_the_fields_of_a_record_and_of_its_class_are_the_same() -> None:
    assert fields(OURS.Point3) == fields(OURS.Point3(1))
    with pytest.raises(TypeError):
        fields(object())


def test_a_default_and_a_default_factory_together_are_refused_as_by_dataclasses() -> None:
    with pytest.raises(ValueError, match="cannot specify both default and default_factory"):
        records.field(default=1, default_factory=list)


def test_a_field_without_a_default_after_one_with_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @frozen
        class Bad:
            a: int = 1
            b: int  # type: ignore[misc]


def test_a_hash_of_its_own_is_refused_in_a_frozen_record_as_by_dataclasses() -> None:
    for make in (frozen, dataclasses.dataclass(unsafe_hash=True)):
        with pytest.raises(TypeError, match="Cannot overwrite attribute __hash__ in class Hashed"):
            @make
            class Hashed:
                value: int

                def __hash__(self) -> int:
                    return 7


def test_a_default_factory_is_called_for_each_record() -> None:
    a, b = OURS.Point(1), OURS.Point(1)
    assert a.tags == [] and a.tags is not b.tags


def test_a_record_that_holds_itself_is_shown_as_a_dataclass_shows_it() -> None:
    shown = []
    for classes in (OURS, THEIRS):
        node = classes.State(1)
        node.seen["me"] = node
        shown.append(repr(node))
    assert shown[0] == shown[1] and "..." in shown[0]


def test_dataclasses_is_not_imported_to_make_records() -> None:
    code = "import sys, paramwise.cli, paramwise.report; print('dataclasses' in sys.modules, 'inspect' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name, args, changes", [
    ("Point", (1, 2, ["a"], "n"), {"y": 5}),
    ("Point", (1,), {}),
    ("Point3", (1,), {"z": 0, "x": 4}),
    ("One", (1.0,), {"value": 2.0}),
    ("State", (1,), {"seen": {"a": 2}}),
])
def test_replace_gives_what_dataclasses_replace_gives(name: str, args: tuple[Any, ...], changes: dict[str, Any]) \
        -> None:
    mine, theirs = getattr(OURS, name)(*args), getattr(THEIRS, name)(*args)
    new_mine, new_theirs = replace(mine, **changes), dataclasses.replace(theirs, **changes)
    assert vars(new_mine) == vars(new_theirs) and repr(new_mine) == repr(new_theirs)
    assert type(new_mine) is type(mine) and new_mine is not mine
    assert vars(mine) == vars(getattr(OURS, name)(*args))  # the original is unchanged


def test_replace_of_real_records() -> None:
    location = Location("model.py", 3, 7)
    assert replace(location, col=8, line=1) == Location("model.py", 1, 8)
    weight = Weight("kernel", (factor(3, "c_in"), factor(4, "units")))
    assert replace(weight, trainable=False) == Weight("kernel", weight.dims, trainable=False)


def test_replace_does_not_copy_what_is_not_a_field() -> None:
    a = OURS.Point(1, 2)
    assert a.total == 3
    b = replace(a, y=10)
    assert b.total == 11 and a.total == 3  # the cached total is worked out again, not copied


def test_replace_refuses_a_name_that_is_not_a_field() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'lines'"):
        replace(Location("model.py", 3, 7), lines=3)  # type: ignore[call-arg]


def test_replace_of_a_report_keeps_every_field() -> None:
    report = Report(framework="keras", model="m", source="s", rows=(), total=5, trainable=5, non_trainable=0,
                    buffers=0, total_bytes=20)
    changed = replace(report, total=6)
    assert {f.name: getattr(changed, f.name) for f in fields(report)} == \
        {**{f.name: getattr(report, f.name) for f in fields(report)}, "total": 6}
