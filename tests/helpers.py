"""Shared test helpers: the invariants every report must satisfy, and golden files."""

from __future__ import annotations

import ast
import json
import operator
import re
from pathlib import Path
from typing import Any

from paramwise.formula import simplify
from paramwise.report import SCHEMA, Report

ROOT = Path(__file__).resolve().parent
CASES = ROOT / "cases"
GOLDEN = ROOT / "golden"


def case_report(path: Path) -> Report:
    """The report of a case file read with no options; the test is skipped where it needs some."""
    import pytest

    from paramwise.errors import ParamwiseError
    from paramwise.frontends import ReadOptions, read_path
    from paramwise.infer import infer

    try:
        found, chosen = read_path(str(path), ReadOptions())
        return infer(found[chosen].require())
    except ParamwiseError:
        pytest.skip("not readable without options")


def eval_formula(text: str) -> int:
    """Evaluate a formula of integers, +, * and parentheses (the JSON `formula` contract) safely."""
    ops = {ast.Add: operator.add, ast.Mult: operator.mul, ast.Sub: operator.sub}

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](walk(node.left), walk(node.right))
        raise AssertionError(f"formula has something other than integers, + and *: {ast.dump(node)}")

    return walk(ast.parse(text, mode="eval"))


def check_invariants(report: Report) -> None:
    """Rows add up to the totals; every formula evaluates to its row's count; the JSON round-trips."""
    top = [r for r in report.rows if r.depth == 0]
    known = [r for r in top if r.params is not None]
    # a layer object in two models is in two rows, its weights once in the total (the warning says how many)
    again = sum(int(m.group(1).replace(",", "")) for w in report.warnings if w.code == "shared_layer"
                for m in [re.search(r"its ([\d,]+) parameters", w.message)] if m)
    assert simplify(sum((r.params for r in known), 0) - again - report.total) == 0
    assert simplify(report.trainable + report.non_trainable - report.total) == 0
    for r in report.rows:
        if isinstance(r.params, int) and r.formula not in ("?",):
            assert eval_formula(r.formula) == r.params, (r.name, r.formula, r.params)
    assert not [w for w in report.warnings if w.code == "formula_mismatch"]
    data = json.loads(json.dumps(report.to_json()))
    assert data["schema"] == SCHEMA
    for key in ("framework", "model", "total", "trainable", "non_trainable", "layers", "warnings"):
        assert key in data


def golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update or not path.exists():
        path.write_text(text)
    assert text == path.read_text(), f"output differs from {path}; rerun with --update-goldens if intended"


# -- None in every argument (tests/kinds/test_*_option_grids.py) ------------------------------------------------


def none_cases(framework: str, cases: list[tuple[str, Any, Any, Any]], swept: Any) -> list[tuple[Any, str]]:
    """(case, argument) for every argument `swept(name)` accepts of the first case of each class in `cases`."""
    from paramwise.kinds import framework_signatures

    out, seen = [], set()
    for case in cases:
        if case[0] in seen:
            continue
        seen.add(case[0])
        signature = framework_signatures.lookup(framework, case[0])
        assert signature is not None
        out += [(case, p.name) for p in signature.parameters if swept(p.name)]
    return out


def with_none(framework: str, case: tuple[str, Any, Any, Any], argument: str) -> tuple[list[Any], dict[str, Any]]:
    """The case's arguments with `argument` None, where the class takes it (by position or by keyword)."""
    from paramwise.kinds import framework_signatures

    name, args, kwargs, _ = case
    signature = framework_signatures.lookup(framework, name)
    assert signature is not None
    names = [p.name for p in signature.parameters]
    positional, keywords = list(args), {**kwargs}
    if argument in names[:len(positional)]:
        positional[names.index(argument)] = None
    else:
        keywords[argument] = None
    return positional, keywords
