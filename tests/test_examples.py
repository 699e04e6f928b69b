"""Every file in examples/ runs through the command line; its table is kept in tests/golden/ (regenerate
with `python -m pytest tests/test_examples.py --update-goldens`). The two seeds' totals come from Keras."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import ROOT, check_invariants, golden
from paramwise.cli import main

EXAMPLES = sorted(p for p in (ROOT.parent / "examples").iterdir() if p.suffix in (".py", ".txt"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_table(path: Path, capsys: pytest.CaptureFixture[str], update_goldens: bool) -> None:
    code = main([str(path), "--width", "120"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err
    golden(f"{path.name}.table.txt", out, update_goldens)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_invariants(path: Path) -> None:
    check_invariants(paramwise.read(str(path)))


def keras_total(path: Path) -> int:
    pytest.importorskip("keras")
    pytest.importorskip("torch")
    from keras_oracle import build

    return int(build(path).count_params())


def test_lesson_seed_total_comes_from_keras() -> None:
    expected = keras_total(ROOT.parent / "examples" / "cnn_lesson.py")
    assert paramwise.read(str(ROOT.parent / "examples" / "cnn_lesson.py")).total == expected
    pasted = paramwise.read(str(ROOT.parent / "examples" / "cnn_lesson_pasted.txt"))
    assert pasted.total == expected
    assert pasted.trainable == expected and pasted.non_trainable == 0


def test_mnist_seed_total_comes_from_keras() -> None:
    path = ROOT.parent / "examples" / "mnist_cnn.py"
    assert paramwise.read(str(path)).total == keras_total(path)
