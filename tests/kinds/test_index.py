"""kinds/index.py (which module defines each spelling) is what the kinds themselves say, and a lookup through it
finds what the full registry finds while importing only the module it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from paramwise import kinds
from paramwise.kinds.index import MODULES

ROOT = Path(__file__).resolve().parents[2]


def test_the_index_is_what_the_kinds_say() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "kinds_index.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert set(MODULES) == set(kinds.registry())


def test_no_spelling_is_claimed_by_two_kinds() -> None:
    claimed: dict[str, type] = {}
    for cls in kinds._subclasses(kinds.Kind):
        for spelling in cls.__dict__.get("spellings", {}):
            assert claimed.setdefault(spelling, cls) is cls, (spelling, claimed[spelling], cls)


def test_lookup_finds_what_the_registry_finds() -> None:
    table = kinds.registry()
    for spelling, expected in table.items():
        framework, name = spelling.split(":", 1)
        assert kinds.lookup(framework, name) == expected, spelling
    assert kinds.lookup("keras", "NoSuchLayer") is None
    assert kinds.lookup("torch", "Dense") is None  # a Keras name is no torch module


def _kind_modules_after(statement: str) -> str:
    code = ("import sys; from paramwise import kinds; before = set(sys.modules); " + statement + "; "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('paramwise.kinds.')))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_lookup_imports_only_the_module_it_needs() -> None:
    """As much as importing that one module does (its own imports), not every kind module."""
    looked_up = _kind_modules_after("assert kinds.lookup('torch', 'Linear')[0].__name__ == 'Dense'")
    imported = _kind_modules_after(f"import paramwise.kinds.{MODULES['torch:Linear']}")
    assert looked_up == imported
    assert "paramwise.kinds.pool" not in looked_up and "paramwise.kinds.recurrent" not in looked_up
