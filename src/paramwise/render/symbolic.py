"""`--symbolic` as text and JSON: the count as a formula in the names, layer by layer."""

from __future__ import annotations

from ..formula import Dim, render_count, simplify
from ..report import Row
from ..teach.symbolic import SymbolicCount, symbols_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def formula_text(value: Dim) -> str:
    """`795·H + 10` for people (sympy's `795*H + 10`), powers as `H^2`."""
    if value is None:
        return "?"
    if isinstance(value, int):
        return render_count(value)
    import sympy

    expanded = simplify(value)
    shortest = min((str(expanded), str(sympy.factor(expanded))), key=len)
    return people(shortest)


def people(text: str) -> str:
    return text.replace("**", "^").replace("*", "·")


def render_symbolic(s: SymbolicCount) -> str:
    report = s.report
    free = sorted(symbols_of(report.total))
    lines = [f'Model "{report.model}": {formula_text(report.total)} parameters'
             + (f" (in {', '.join(free)})" if free else " (a number: it depends on none of the names)")]
    if report.non_trainable and report.non_trainable != 0:
        lines.append(f"  trainable {formula_text(report.trainable)}, non-trainable {formula_text(report.non_trainable)}")
    lines.append("")
    rows = [r for r in report.rows if r.depth == 0 and r.params != 0]
    width = max((len(f"{r.name} ({r.type})") for r in rows), default=0)
    for r in rows:
        lines.append(f"  {f'{r.name} ({r.type})':<{width}}  {_layer_text(r)}")
    for name in s.irrelevant:
        lines.append("")
        lines.append(f"{name} does not change the count: it sets sizes in the shapes, but no weight depends on it.")
    missing = [n for n in s.names if n not in symbols_of(report.total) and n not in s.irrelevant]
    for name in missing:
        lines.append(f"{name} is not a size in this model (not found as an undefined name or a whole-number constant).")
    return "\n".join(lines) + "\n"


def _layer_text(row: Row) -> str:
    formula = people(row.formula)
    value = formula_text(row.params)
    return value if formula in (value, "?") else f"{formula} = {value}"


def symbolic_json(s: SymbolicCount) -> dict[str, Any]:
    r = s.report
    return {
        "model": r.model,
        "symbols": sorted(symbols_of(r.total)),
        "total": str(simplify(r.total)) if not isinstance(r.total, int) else r.total,
        "irrelevant": list(s.irrelevant),
        "layers": [{"name": row.name, "formula": row.formula, "params": str(row.params)} for row in r.rows if row.depth == 0],
    }
