"""`paramwise check FILE --claim ...`: check a hand count and name the mistakes in it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .check import Diagnosis, check, parse_claims
from .cli import add_common_arguments, load, read_limits
from .errors import InputError
from .formula import render_count
from .mistakes import CATALOGUE, pretty

CHECK_SCHEMA = "paramwise-check/1"

EPILOG = """\
examples:
  paramwise check examples/mnist_cnn.py --claim 288,540988,541988 --running
  paramwise check examples/mnist_cnn.py --claim 288,0,0,540800,1000
  paramwise check examples/mnist_cnn.py --claim-total 541988 --format json

Numbers may skip the layers without parameters; how they were aligned is printed.
exit codes: 0 the claim is right, 1 it is not, 2 bad input.
mistakes: """ + ", ".join(CATALOGUE)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="paramwise check", description="Check a hand count of a model's parameters and find the mistake in it.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", help="model file, or - for stdin")
    claim = p.add_mutually_exclusive_group(required=True)
    claim.add_argument("--claim", metavar="N,N,...", help="your count per layer (or running totals with --running)")
    claim.add_argument("--claim-total", metavar="N", help="your total for the whole model")
    p.add_argument("--running", action="store_true", help="the --claim numbers are running totals")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output form (default: text)")
    add_common_arguments(p)
    return p


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.running and args.claim is None:
        raise InputError("--running goes with --claim", hint="e.g. --claim 288,540988,541988 --running")
    with read_limits(args):
        return check_claims(args)


def check_claims(args: argparse.Namespace) -> int:
    graph, report = load(args)
    if args.claim_total is not None:
        claims, mode = parse_claims(args.claim_total), "total"
        if len(claims) != 1:
            raise InputError(f"--claim-total takes one number; got {len(claims)}", hint="use --claim for per-layer numbers")
    else:
        claims, mode = parse_claims(args.claim), "running" if args.running else "layers"
    diagnosis = check(graph, report, claims, mode)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(diagnosis), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(diagnosis, args.path))
        if not args.quiet:
            for w in list(report.warnings) + list(diagnosis.pitfalls):
                print(w.render(), file=sys.stderr)
    return 0 if diagnosis.correct else 1


def to_json(d: Diagnosis) -> dict[str, Any]:
    return {
        "schema": CHECK_SCHEMA,
        "model": d.report.model,
        "framework": d.report.framework,
        "mode": d.mode,
        "claims": list(d.claims),
        "claimed_total": d.claimed_total,
        "true_total": d.report.total,
        "difference": d.claimed_total - d.report.total,
        "correct": d.correct,
        "alignment": d.alignment,
        "layers": [f.to_json() for f in d.findings],
        "mistakes": sorted({m for f in d.findings for m in f.mistakes}),
        "summary": list(d.summary),
        "pitfalls": [p.to_json() for p in d.pitfalls],
    }


def render_text(d: Diagnosis, path: str) -> str:
    lines = [f'{path}: model "{d.report.model}" has {render_count(d.report.total)} parameters.', d.alignment, ""]
    lines += _table(d)
    notes = [line for f in d.findings for line in f.lines]
    if notes:
        lines += [""] + notes
    lines += [""] + list(d.summary)
    return "\n".join(lines) + "\n"


def _table(d: Diagnosis) -> list[str]:
    running = d.mode == "running"
    head = ["layer", "you", "true", "difference", "mistake"] + (["running"] if running else [])
    cells = [head]
    for f in d.findings:
        you = "-" if f.claimed is None else pretty(f.claimed)
        diff = "" if f.claimed is None or f.difference == 0 else f"{f.difference:+,}"
        row = [f.row.name, you, pretty(f.true), diff, ", ".join(f.mistakes) or ("ok" if f.claimed is not None else "")]
        if running:
            row.append("" if f.running is None else pretty(f.running))
        cells.append(row)
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    right = {1, 2, 3, 5}
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cell, widths))).rstrip()
            for cell in cells]
