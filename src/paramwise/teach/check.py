"""`paramwise check`: find the mistake in a hand count.

A claim is per layer (`288,0,540800,1000`), a list of running totals, or one total. Claims are aligned
with the model's layers (numbers may skip the layers that have no parameters), then every difference
is explained by recomputing the layer under each catalogued mistake (mistakes.py) and keeping the one
that gives the number the person wrote. Running totals are also checked for addition slips.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..frozen import field, frozen
from ..ir import Graph, Layer
from ..report import Report, Row, counted_rows
from .align import align, alignment_text
from .mistakes import (
    CATALOGUE,
    LayerContext,
    Variant,
    corrected,
    is_bias,
    label,
    layer_variants,
    pretty,
    shape_variants,
)
from .pitfalls import find_pitfalls

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MODES = ("layers", "running", "total")


@frozen
class Part:
    """One piece of a difference: how much a mistake took away (positive) or added (negative)."""

    code: str
    amount: int
    label: str


@frozen
class Finding:
    """One layer of the check."""

    row: Row
    claimed: int | None  # what the person counted for this layer (None: not counted)
    mistakes: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    running: int | None = None  # the running total written after this layer

    @property
    def true(self) -> int:
        value: int = self.row.params
        return value

    @property
    def difference(self) -> int:
        return (self.claimed or 0) - self.true

    def to_json(self) -> dict[str, Any]:
        out = {
            "name": self.row.name, "type": self.row.type, "claimed": self.claimed, "true": self.true,
            "difference": self.difference, "mistakes": list(self.mistakes), "corrected": corrected(self.row),
            "explanation": list(self.lines),
        }
        if self.running is not None:
            out["running_claimed"] = self.running
        return out


@frozen
class Diagnosis:
    report: Report
    mode: str
    claims: tuple[int, ...]
    claimed_total: int
    alignment: str
    findings: tuple[Finding, ...]
    summary: tuple[str, ...] = ()
    pitfalls: tuple[Any, ...] = field(default_factory=tuple)

    @property
    def correct(self) -> bool:
        return self.claimed_total == self.report.total and all(not f.mistakes for f in self.findings)


# -- reading claims -----------------------------------------------------------------------------------------------


CLAIM = re.compile(r"-?[0-9]{1,30}")  # ASCII digits only: str.isdigit() takes '²', which int() refuses


def parse_claims(text: str) -> list[int]:
    """`288,540988,541988` (commas, spaces or semicolons between numbers; `_` inside one)."""
    items = [t for t in text.replace(";", ",").replace(" ", ",").split(",") if t.strip()]
    out = []
    for item in items:
        cleaned = item.strip().replace("_", "")
        if not CLAIM.fullmatch(cleaned):
            shown = repr(item.strip()) if len(item.strip()) <= 40 else f"a number of {len(item.strip()):,} characters"
            raise InputError(f"a claim must be whole numbers of at most 30 digits; got {shown}",
                             hint="e.g. --claim 288,0,540800,1000")
        out.append(int(cleaned))
    if not out:
        raise InputError("the claim is empty", hint="e.g. --claim 288,0,540800,1000 or --claim-total 541988")
    return out


def numeric(report: Report) -> None:
    if not isinstance(report.total, int) or any(r.params is None for r in counted_rows(report)):
        names = ", ".join(report.symbols) or "unknown layers"
        raise InputError(
            f"the model's count is not a number (it depends on {names}), so a claim cannot be checked",
            hint="bind the sizes with --set NAME=VALUE",
        )


# -- per-layer diagnosis ------------------------------------------------------------------------------------------


class Explainer:
    """Recomputes layers under each mistake; the graph-wide size mistakes are computed once, on demand."""

    def __init__(self, graph: Graph, report: Report) -> None:
        self.graph, self.report = graph, report
        self.layers: dict[str, Layer] = {layer.name: layer for layer in graph.layers if not layer.hidden}
        self._shapes: dict[str, list[Variant]] | None = None
        self._candidates: dict[str, list[tuple[int, Variant | None]]] = {}

    def variants(self, row: Row) -> list[Variant]:
        local = layer_variants(LayerContext(row, self._kind(row)))
        return local + self.shape_mistakes().get(row.name, [])

    def _kind(self, row: Row) -> Any:
        layer = self.layers.get(row.name)
        return layer.kind if layer is not None else None

    def shape_mistakes(self) -> dict[str, list[Variant]]:
        if self._shapes is None:
            self._shapes = shape_variants(self.graph, self.report)
        return self._shapes

    def candidates(self, row: Row) -> list[tuple[int, Variant | None]]:
        """(value, variant) for the right count (variant None) and every mistake's count."""
        if row.name not in self._candidates:
            out: list[tuple[int, Variant | None]] = [(row.params, None)]
            out += [(v.value, v) for v in self.variants(row) if isinstance(v.value, int)]
            self._candidates[row.name] = out
        return self._candidates[row.name]


def parts_of(row: Row, variant: Variant) -> tuple[Part, ...]:
    """Split a variant's difference between its mistakes (missing biases first)."""
    total = row.params - variant.value
    if len(variant.codes) == 1:
        return (Part(variant.codes[0], total, _label(variant.codes[0], row)),)
    biases = sum(w.count for w in row.weight_objects if is_bias(w) and not w.is_buffer)
    return (Part("missing_bias", biases, _label("missing_bias", row)),
            Part(variant.codes[1], total - biases, _label(variant.codes[1], row)))


def _label(code: str, row: Row) -> str:
    return label(code, row.name)


def best_match(value: int, row: Row, explainer: Explainer, prefer: set[str]) -> Variant | None:
    matches = [v for val, v in explainer.candidates(row) if v is not None and val == value]
    if not matches:
        return None
    return min(matches, key=lambda v: (len(v.codes), -len(prefer & set(v.codes)), _order(v.codes)))


def _order(codes: tuple[str, ...]) -> list[int]:
    names = list(CATALOGUE)
    return [names.index(c) for c in codes]


def diagnose_layer(row: Row, claimed: int | None, explainer: Explainer, prefer: set[str]) -> Finding:
    if claimed is None:
        if not row.params:
            return Finding(row, None)
        line = f"{row.name}: not in your count; it has {corrected(row)}"
        return Finding(row, None, ("unexplained",), (line,), (Part("unexplained", row.params, f"{row.name} not counted"),))
    if claimed == row.params:
        return Finding(row, claimed)
    if row.params == 0:
        line = f"{row.name} ({row.type}) has no parameters: {row.why}"
        return Finding(row, claimed, ("params_on_parameterless_layer",), (line,),
                       (Part("params_on_parameterless_layer", -claimed, f"{row.name} has none"),))
    match = best_match(claimed, row, explainer, prefer)
    if match is None:
        line = f"{row.name}: no catalogued mistake gives {pretty(claimed)}; the count is {corrected(row)}"
        return Finding(row, claimed, ("unexplained",), (line,), (Part("unexplained", row.params - claimed, f"{row.name} unexplained"),))
    return Finding(row, claimed, match.codes, (f"{row.name}: {match.text}",), parts_of(row, match))


# -- running totals -----------------------------------------------------------------------------------------------


def is_digit_slip(slip: int) -> bool:
    """A slip of one digit: ±d·10^k (a dropped carry, a misread digit)."""
    if slip == 0:
        return False
    n = abs(slip)
    while n % 10 == 0:
        n //= 10
    return n < 10


def diagnose_running(running: list[int], rows: list[Row], picked: list[int], explainer: Explainer) -> list[Finding]:
    per_layer = [running[0]] + [b - a for a, b in zip(running, running[1:])]
    exact = {i: diagnose_layer(rows[j], per_layer[i], explainer, set()) for i, j in enumerate(picked)}
    prefer = {c for f in exact.values() for c in f.mistakes if c != "unexplained"}
    findings: dict[int, Finding] = {}
    for i, j in enumerate(picked):
        finding = exact[i]
        negative = "params_on_parameterless_layer" in finding.mistakes and per_layer[i] < 0
        if "unexplained" in finding.mistakes or negative:
            slipped = _slip(rows[j], running[i - 1] if i else 0, running[i], explainer, prefer)
            finding = slipped or finding
        findings[j] = Finding(finding.row, finding.claimed, finding.mistakes, finding.lines, finding.parts, running[i])
    return [findings.get(j) or diagnose_layer(r, None, explainer, prefer) for j, r in enumerate(rows)]


def _slip(row: Row, before: int, after: int, explainer: Explainer, prefer: set[str]) -> Finding | None:
    options = []
    for value, variant in explainer.candidates(row):
        slip = after - (before + value)
        if is_digit_slip(slip):
            codes = variant.codes if variant else ()
            options.append((-len(prefer & set(codes)), abs(slip), len(codes), value, variant, slip))
    if not options:
        return None
    _, _, _, value, variant, slip = min(options, key=lambda o: o[:4])
    line = (f"{row.name}: running total {pretty(before)} + {pretty(value)} = {pretty(before + value)}, "
            f"but you wrote {pretty(after)}: {pretty(abs(slip))} {'lost' if slip < 0 else 'gained'} in the addition")
    parts = parts_of(row, variant) if variant else ()
    lines = ((f"{row.name}: {variant.text}",) if variant else ()) + (line,)
    codes = (variant.codes if variant else ()) + ("addition_slip",)
    slip_part = Part("addition_slip", -slip, _label("addition_slip", row))
    return Finding(row, after - before, codes, lines, parts + (slip_part,))


# -- a total only -------------------------------------------------------------------------------------------------


def diagnose_total(claim: int, rows: list[Row], explainer: Explainer) -> tuple[list[Finding], list[str], list[Part]]:
    """Explain a total the way people make mistakes: one mistake made in every layer it applies to, or one
    mistake in one layer, or both; else the closest systematic mistake and what is left over."""
    systematic = {code: _everywhere(code, rows, explainer) for code in _codes(rows, explainer)}
    for picks in systematic.values():
        if sum(_value(r, v) for r, v in zip(rows, picks)) == claim:
            return [_total_finding(r, v) for r, v in zip(rows, picks)], [], []
    nothing: list[Variant | None] = [None] * len(rows)
    base = [nothing, *systematic.values()]
    for picks in base:
        found = _one_more(claim, rows, picks, explainer)
        if found is not None:
            return [_total_finding(r, v) for r, v in zip(rows, found)], [], []
    return _uniform(claim, rows, explainer)


def _codes(rows: list[Row], explainer: Explainer) -> list[str]:
    found = {c for r in rows for _, v in explainer.candidates(r) if v is not None and len(v.codes) == 1 for c in v.codes}
    return sorted(found, key=lambda c: _order((c,)))


def _everywhere(code: str, rows: list[Row], explainer: Explainer) -> list[Variant | None]:
    return [next((v for _, v in explainer.candidates(r) if v is not None and v.codes == (code,)), None) for r in rows]


def _value(row: Row, variant: Variant | None) -> int:
    return row.params if variant is None else int(variant.value)


def _one_more(claim: int, rows: list[Row], picks: list[Variant | None], explainer: Explainer) -> list[Variant | None] | None:
    """`picks` with one more layer changed (to any of its mistakes) so that the layers add up to the claim."""
    total = sum(_value(r, v) for r, v in zip(rows, picks))
    for i, row in enumerate(rows):
        if picks[i] is not None:
            continue
        for value, variant in explainer.candidates(row)[1:]:
            if total - row.params + value == claim:
                return picks[:i] + [variant] + picks[i + 1:]
    return None


def _total_finding(row: Row, variant: Variant | None) -> Finding:
    if variant is None:
        return Finding(row, row.params)
    return Finding(row, variant.value, variant.codes, (f"{row.name}: {variant.text}",), parts_of(row, variant))


def _uniform(claim: int, rows: list[Row], explainer: Explainer) -> tuple[list[Finding], list[str], list[Part]]:
    """No exact explanation: the mistake made in the most layers that explains most of the difference (at
    least half, on the same side), and what is left; or nothing, said plainly."""
    plain = claim - sum(r.params for r in rows)
    best: tuple[tuple[int, bool, int], list[Finding]] | None = None
    for code in _codes(rows, explainer):
        picks = _everywhere(code, rows, explainer)
        left = claim - sum(_value(r, v) for r, v in zip(rows, picks))
        if abs(left) * 2 > abs(plain) or left * plain < 0:
            continue
        score = (-sum(p is not None for p in picks), not is_digit_slip(left), abs(left))
        if best is None or score < best[0]:
            best = (score, [_total_finding(r, v) for r, v in zip(rows, picks)])
    findings = best[1] if best is not None else [Finding(r, r.params) for r in rows]
    left = claim - sum(f.claimed or 0 for f in findings)
    label = "left over (an addition slip?)" if is_digit_slip(left) else "left over, unexplained"
    return findings, [_left_text(left, best is None)], [Part("unexplained", -left, label)]


def _left_text(left: int, nothing: bool) -> str:
    head = "No catalogued mistake explains the difference" if nothing else f"{pretty(abs(left))} is still unexplained"
    if is_digit_slip(left):
        return f"{head}: {pretty(abs(left))} looks like an addition slip; give your running totals with --running to check"
    return head + "."


# -- the whole check ----------------------------------------------------------------------------------------------


def check(graph: Graph, report: Report, claims: list[int], mode: str) -> Diagnosis:
    if mode not in MODES:
        raise InputError(f"unknown claim mode {mode!r}", hint=f"one of {', '.join(MODES)}")
    numeric(report)
    rows = counted_rows(report)
    explainer = Explainer(graph, report)
    extra: list[str] = []
    left: list[Part] = []
    if mode == "total":
        if claims[0] == report.total == sum(r.params for r in rows):  # right: nothing to explain, nothing unexplained
            findings, extra, left = [Finding(r, r.params) for r in rows], [], []
        else:
            findings, extra, left = diagnose_total(claims[0], rows, explainer)
        alignment, total = "You gave the total only; each layer's part was worked out from it.", claims[0]
    else:
        per_layer = claims if mode == "layers" else [claims[0]] + [b - a for a, b in zip(claims, claims[1:])]
        picked = align(per_layer, rows, explainer)
        alignment = alignment_text(mode, claims, rows, picked)
        if mode == "running":
            findings, total = diagnose_running(claims, rows, picked, explainer), claims[-1]
        else:
            claimed = dict(zip(picked, claims))
            findings = [diagnose_layer(r, claimed.get(j), explainer, set()) for j, r in enumerate(rows)]
            findings = _prefer_consistent(findings, explainer)
            total = sum(claims)
    pitfalls = find_pitfalls(report)
    summary = tuple(total_lines(total, report.total, findings, left) + extra + related(findings, pitfalls))
    return Diagnosis(report, mode, tuple(claims), total, alignment, tuple(findings), summary, tuple(pitfalls))


def related(findings: list[Finding], pitfalls: list[Any]) -> list[str]:
    """Pitfalls about a layer no mistake explains often are the explanation: say so beside the sums."""
    unexplained = [f.row.name for f in findings if "unexplained" in f.mistakes]
    return [f"Note: {p.message}" for p in pitfalls if any(p.message.startswith(name + " ") for name in unexplained)]


def _prefer_consistent(findings: list[Finding], explainer: Explainer) -> list[Finding]:
    prefer = {c for f in findings for c in f.mistakes if c != "unexplained"}
    return [diagnose_layer(f.row, f.claimed, explainer, prefer) if f.mistakes else f for f in findings]


def total_lines(claimed: int, true: int, findings: list[Finding], left: list[Part]) -> list[str]:
    diff = claimed - true
    if diff == 0 and all(not f.mistakes for f in findings):
        return [f"Your count {pretty(claimed)} is right."]
    if diff == 0:
        return [f"Your total {pretty(claimed)} is right, but some layers are not (the mistakes cancel out)."]
    side = "short of" if diff < 0 else "more than"
    lines = [f"Your total {pretty(claimed)} is {pretty(abs(diff))} {side} {pretty(true)}."]
    parts = [p for f in findings for p in f.parts] + left
    if parts and parts != left:
        sign = 1 if diff < 0 else -1
        amounts = [p.amount * sign for p in parts]
        terms = pretty(amounts[0]) + "".join(f" {'+' if a >= 0 else '-'} {pretty(abs(a))}" for a in amounts[1:])
        lines.append(f"  {terms} = {pretty(sum(amounts))}: " + ", ".join(f"{p.label} {pretty(a)}" for p, a in zip(parts, amounts)))
    return lines
