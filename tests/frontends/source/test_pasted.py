"""Pasted code (tests/cases/pasted/<name>.txt, damaged the way web pages, notebooks and terminals damage it)
read by paramwise gives the same rows as its clean twin (<name>.py) built by real Keras; every repair is a
warning naming line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import CASES, check_invariants

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import build, compare  # noqa: E402

PASTED = sorted((CASES / "pasted").glob("*.txt"))
BINDINGS = {"undefined_classes": {"n_features": 20, "num_classes": 3}, "lesson_curly_quotes": {"img_SIZE": 32}}
# the warning each paste must raise (by its first words)
EXPECTED_WARNING = {
    "indented_snippet": "every line was indented by 8 characters",
    "ipython_cells": "removed the >>> / ... prompts",
    "lesson_curly_quotes": "replaced curly quotes on line 5",
    "line_numbers": "removed the line numbers",
    "markdown_fence": "read only the code inside the markdown ``` fences",
    "missing_commas": "inserted a missing comma",
    "python2_print": "Python 2 print statement",
    "repl_session": "removed the >>> / ... prompts",
    "smart_dashes": "replaced characters – on line 9",
    "tabs_and_spaces": "indentation mixes tabs and spaces",
    "trailing_prose": "lines 9-11: text that is not code",
    "undefined_classes": "",  # read with both sizes bound: nothing to warn about
    "unquoted_strings": "'same' is not quoted",
    "with_summary_output": "removed the ruler lines of a printed table",
}


@pytest.mark.parametrize("path", PASTED, ids=[p.stem for p in PASTED])
def test_pasted_text_reads_like_its_clean_twin(path: Path) -> None:
    report = paramwise.read(str(path), bindings=BINDINGS.get(path.stem, {}))
    check_invariants(report)
    assert compare(report, build(path.with_suffix(".py"))) == []


@pytest.mark.parametrize("path", PASTED, ids=[p.stem for p in PASTED])
def test_every_repair_is_a_located_warning(path: Path) -> None:
    report = paramwise.read(str(path), bindings=BINDINGS.get(path.stem, {}))
    messages = [w.message for w in report.warnings]
    assert not EXPECTED_WARNING[path.stem] or any(m.startswith(EXPECTED_WARNING[path.stem]) or EXPECTED_WARNING[path.stem] in m for m in messages), messages
    for w in report.warnings:
        assert w.location is not None and w.location.line > 0 and w.location.col > 0, w


def test_every_paste_has_an_expected_warning() -> None:
    assert sorted(EXPECTED_WARNING) == sorted(p.stem for p in PASTED)


def test_lesson_paste_counts_do_not_depend_on_the_image_size() -> None:
    """The seed lesson never defines img_SIZE: every count is still exact, and 128,952 in total."""
    path = CASES / "pasted" / "lesson_curly_quotes.txt"
    symbolic = paramwise.read(str(path))
    model = build(path.with_suffix(".py"))
    assert symbolic.total == model.count_params() == 128_952
    assert all(isinstance(r.params, int) for r in symbolic.rows)
    assert symbolic.symbols == ()  # no count depends on it
    assert "img_SIZE" in str(symbolic.rows[0].output_shape)
    warning = next(w for w in symbolic.warnings if "img_SIZE" in w.message)
    assert (warning.location.line, warning.location.col) == (5, 105)  # columns of the file as pasted
    assert warning.hint == "bind it with --set img_SIZE=VALUE"
    for size in (32, 64, 224):
        bound = paramwise.read(str(path), bindings={"img_SIZE": size})
        assert bound.total == 128_952
        assert bound.rows[0].output_shape == (None, size, size, 32)


def test_unknown_sizes_stay_symbols_in_formulas() -> None:
    path = CASES / "pasted" / "undefined_classes.txt"
    report = paramwise.read(str(path))
    assert report.symbols == ("n_features", "num_classes")
    rows = {r.name: r for r in report.rows}
    assert isinstance(rows["dense_1"].params, int)  # 64 -> 32 does not depend on either
    assert str(rows["dense"].params) == "64*n_features + 64"
    bound = paramwise.read(str(path), bindings={"n_features": 20, "num_classes": 3})
    assert bound.total == build(path.with_suffix(".py")).count_params()
    values = {"n_features": 20, "num_classes": 3}
    assert bound.total == report.total.subs({s: values[str(s)] for s in report.total.free_symbols})


def test_unquoted_names_point_at_the_name() -> None:
    report = paramwise.read(str(CASES / "pasted" / "unquoted_strings.txt"))
    where = {w.message.split("'")[1]: (w.location.line, w.location.col) for w in report.warnings if "not quoted" in w.message}
    assert where["same"] == (6, 33)
    assert where["first_conv"] == (6, 61)
    assert [r.name for r in report.rows if r.type == "Conv2D"] == ["first_conv"]
