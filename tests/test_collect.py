"""The cycle collector around large builds (collect.py): paused while they run, back on after, and only the
installed command's process keeps what was built out of later passes."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import paramwise
from paramwise import collect


@pytest.fixture
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    collect.keep_built(False)
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_paused_stops_the_collector_and_starts_it_again(restore_gc: None) -> None:
    gc.enable()
    with collect.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_starts_it_again_after_an_error(restore_gc: None) -> None:
    gc.enable()
    with pytest.raises(ValueError), collect.paused():
        raise ValueError("stop")
    assert gc.isenabled()


def test_paused_leaves_a_stopped_collector_stopped(restore_gc: None) -> None:
    gc.disable()
    with collect.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_api_freezes_nothing(restore_gc: None) -> None:
    gc.unfreeze()
    with collect.paused():
        kept = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == 0
    assert len(kept) == 1000


def test_the_command_keeps_what_it_built(restore_gc: None) -> None:
    gc.unfreeze()
    collect.keep_built(True)
    with collect.paused():
        kept = [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= len(kept)  # the build (and what was alive before it) is never visited again


def test_cycles_made_after_a_freeze_are_still_collected(restore_gc: None) -> None:
    gc.unfreeze()
    gc.enable()
    collect.keep_built(True)
    with collect.paused():
        pass

    class Node:
        pass

    for _ in range(100):
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
    del a, b
    assert gc.collect() >= 200


def test_the_installed_command_reads_as_the_api_does(tmp_path: Path) -> None:
    """In its own process (where builds are frozen) a file that makes cyclic garbage in a loop gets the answer
    the API gives in this process (which freezes nothing)."""
    source = tmp_path / "cycles.py"
    source.write_text(textwrap.dedent("""\
        import keras
        from keras import layers

        for i in range(20000):
            a = []
            a.append(a)
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
        """))
    run = subprocess.run([sys.executable, "-m", "paramwise", str(source), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] == paramwise.read(str(source)).total
