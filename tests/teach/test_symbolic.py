"""Symbolic counts: the formula, substituted, equals paramwise's numeric count and real Keras's."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

import paramwise
from helpers import CASES
from paramwise.cli import main
from paramwise.frontends import ReadOptions
from paramwise.teach.symbolic import free_constants, read_symbolic, summarize

pytest.importorskip("keras")
from keras_oracle import build  # noqa: E402

CHECK = CASES / "check"
MLP = CHECK / "mlp_width.py"
GAP = CHECK / "gap_any_size.py"


def with_values(source: Path, tmp_path: Path, **values: int) -> Path:
    """The case file with its free names bound, to run with real Keras and read with paramwise."""
    text, _ = free_constants(source.read_text(), list(values))
    header = "".join(f"{k} = {v}\n" for k, v in values.items())
    out = tmp_path / f"{source.stem}_{'_'.join(map(str, values.values()))}.py"
    out.write_text(header + text)
    return out


def substitute(expr: object, **values: int) -> int:
    subs = {sympy.Symbol(k, integer=True, positive=True): v for k, v in values.items()}
    return int(sympy.sympify(expr).subs(subs))


def test_mlp_width_is_a_formula_in_h(tmp_path: Path) -> None:
    report = read_symbolic(str(MLP), ["H"], ReadOptions())
    assert {str(s) for s in report.total.free_symbols} == {"H"}
    for h in (1, 7, 64):
        path = with_values(MLP, tmp_path, H=h)
        assert substitute(report.total, H=h) == paramwise.read(str(path)).total == build(path).count_params()
    for row in report.rows:
        if row.params:
            assert substitute(row.params, H=3) == next(r.params for r in paramwise.read(str(with_values(MLP, tmp_path, H=3))).rows if r.name == row.name)


def test_mlp_formula_is_linear_with_keras_coefficients(tmp_path: Path) -> None:
    counts = [build(with_values(MLP, tmp_path, H=h)).count_params() for h in (1, 2)]
    slope, intercept = counts[1] - counts[0], 2 * counts[0] - counts[1]
    report = read_symbolic(str(MLP), ["H"], ReadOptions())
    h = sympy.Symbol("H", integer=True, positive=True)
    assert sympy.expand(report.total - (slope * h + intercept)) == 0


def test_unbound_image_size_does_not_matter(tmp_path: Path) -> None:
    report = read_symbolic(str(GAP), [], ReadOptions())
    summary = summarize(report, [])
    assert summary.irrelevant == ("IMG",)
    assert {str(s) for s in report.total.free_symbols} == {"F"}
    for img, f in ((16, 2), (33, 5)):
        path = with_values(GAP, tmp_path, IMG=img, F=f)
        assert substitute(report.total, F=f) == build(path).count_params()


def test_set_leaves_other_names_free(tmp_path: Path) -> None:
    report = read_symbolic(str(GAP), [], ReadOptions(bindings={"F": 4}))
    assert report.total == build(with_values(GAP, tmp_path, IMG=20, F=4)).count_params()
    assert summarize(report, []).irrelevant == ("IMG",)


def test_cli_symbolic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(MLP), "--symbolic", "H", "--quiet"]) == 0
    out = capsys.readouterr().out
    report = read_symbolic(str(MLP), ["H"], ReadOptions())
    assert str(report.total).replace("*", "·") in out
    assert main([str(GAP), "--symbolic", "--quiet"]) == 0
    assert "IMG does not change the count" in capsys.readouterr().out


def test_pytorch_width_formula_matches_torch(tmp_path: Path) -> None:
    import runpy

    pytest.importorskip("torch")
    path = CHECK / "torch_mlp_width.py"
    report = read_symbolic(str(path), ["H"], ReadOptions())
    assert {str(s) for s in report.total.free_symbols} == {"H"}
    for h in (3, 50):
        bound = with_values(path, tmp_path, H=h)
        model = runpy.run_path(str(bound))["model"]
        real = sum(p.numel() for p in model.parameters())
        assert substitute(report.total, H=h) == paramwise.read(str(bound)).total == real


def test_pasted_lesson_image_size_does_not_matter() -> None:
    """The first seed as pasted: img_SIZE is never defined, and global pooling makes it irrelevant."""
    path = CASES.parent.parent / "examples" / "cnn_lesson_pasted.txt"
    report = read_symbolic(str(path), [], ReadOptions())
    assert summarize(report, []).irrelevant == ("img_SIZE",)
    assert report.total == build(CASES.parent.parent / "examples" / "cnn_lesson.py").count_params()
