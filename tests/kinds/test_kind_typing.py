"""A kind's attributes are typed: each kind declares the attributes it reads, so the type checker sees a typo
(`self.untis`) that `Kind.__getattr__` would otherwise let through, while `attrs` still serves every value."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from paramwise import kinds
from paramwise.kinds.base import Kind, _Attribute
from paramwise.kinds.dense import Dense

KIND = '''
from paramwise.formula import Dim
from paramwise.ir import Shape
from paramwise.kinds.base import Kind
from paramwise.kinds.dense import Dense


class Widen(Kind):
    units: Dim

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return inputs[0][:-1] + (self.{name},)
'''


def run_mypy(tmp_path: Path, name: str) -> tuple[str, int]:
    api = pytest.importorskip("mypy.api")
    source = tmp_path / "widen.py"
    source.write_text(KIND.format(name=name))
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\nfollow_imports = silent\n")
    stdout, stderr, status = api.run(
        ["--strict", "--config-file", str(config), "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    return stdout + stderr, status


def test_a_typo_in_a_kind_attribute_is_a_type_error(tmp_path: Path) -> None:
    output, status = run_mypy(tmp_path, "untis")
    assert status == 1, output
    line = KIND.splitlines().index("        return inputs[0][:-1] + (self.{name},)") + 1
    assert f'widen.py:{line}: error: "Widen" has no attribute "untis"' in output
    assert "[attr-defined]" in output


def test_a_declared_kind_attribute_type_checks(tmp_path: Path) -> None:
    output, status = run_mypy(tmp_path, "units")
    assert status == 0, output
    assert "Success" in output


def declared(cls: type) -> dict[str, str]:
    """The instance attributes a class declares: its own annotations, less the ClassVars."""
    own = inspect.get_annotations(cls)
    return {name: str(note) for name, note in own.items() if "ClassVar" not in str(note)}


def every_kind() -> list[type[Kind]]:
    kinds.registry()  # imports every kind module
    return sorted(kinds.by_name().values(), key=lambda c: c.__name__)


def test_kinds_declare_attributes() -> None:
    """The declarations are there (the typed checks in the suite's mypy run depend on them)."""
    found = {cls.__name__: declared(cls) for cls in every_kind()}
    assert {"units", "use_bias"} <= set(found["Dense"])
    assert {"rank", "kernel_size", "strides", "padding"} <= set(found["Conv"])


@pytest.mark.parametrize("cls", every_kind(), ids=lambda c: c.__name__)
def test_a_declared_attribute_is_served_from_attrs(cls: type[Kind]) -> None:
    """A declaration is a bare annotation: a class-level value would hide the layer's own value in `attrs` (the
    class holds only the descriptor that reads `attrs`, see Kind.__init_subclass__)."""
    for klass in cls.__mro__:
        if not (isinstance(klass, type) and issubclass(klass, Kind)) or klass is Kind:
            continue
        shadowed = [name for name in declared(klass) if name in vars(klass) and not isinstance(vars(klass)[name], _Attribute)]
        assert not shadowed, f"{klass.__name__} gives {shadowed} a class-level value"
        for name in declared(klass):  # served from attrs: a layer's own value, and the missing ones missing
            kind = object.__new__(cls)
            kind.attrs = {name: ("own", name)}
            assert getattr(kind, name) == ("own", name)
            kind.attrs = {}
            assert getattr(kind, name, "missing") == "missing"


def test_a_kind_reads_its_declared_attributes_from_attrs() -> None:
    layer, _ = kinds.make("keras", "Dense", [7], {"use_bias": False})
    assert isinstance(layer, Dense)
    assert layer.attrs["units"] == 7
    assert (layer.units, layer.use_bias) == (7, False)
    with pytest.raises(AttributeError):
        _ = layer.untis  # type: ignore[attr-defined]  # a typo fails at run time too
    with pytest.raises(AttributeError):
        _ = Dense.units  # the class has no value of its own
    layer.__dict__["units"] = 9  # a value set on the layer itself is read first
    assert layer.units == 9 and layer.attrs["units"] == 7
