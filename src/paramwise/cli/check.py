"""`paramwise check FILE --claim ...`: check a hand count and name the mistakes in it."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import EXIT_CHECK_FAILED, EXIT_OK, InputError
from ..render.check import render_text, to_json
from ..teach.check import check, parse_claims
from ..teach.mistakes import CATALOGUE
from .limits import read_limits
from .options import HelpFormatter, add_common_arguments, load, print_warnings, strict_exit, table_width
from .output import Progress, terminal_width

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
        epilog=EPILOG, formatter_class=HelpFormatter,
    )
    p.add_argument("path", help="model file, or - for stdin")
    claim = p.add_mutually_exclusive_group(required=True)
    claim.add_argument("--claim", metavar="N,N,...", help="your count per layer (or running totals with --running)")
    claim.add_argument("--claim-total", metavar="N", help="your total for the whole model")
    p.add_argument("--running", action="store_true", help="the --claim numbers are running totals")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output form (default: text)")
    p.add_argument("--width", type=table_width, default=None,
                   help="output width in characters, 40 to 10000 (default: $COLUMNS or the terminal's)")
    add_common_arguments(p)
    return p


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.running and args.claim is None:
        raise InputError("--running goes with --claim", hint="e.g. --claim 288,540988,541988 --running")
    with read_limits(args):
        return check_claims(args)


def check_claims(args: argparse.Namespace) -> int:
    with Progress(f"reading {args.path}", sys.stderr, enabled=args.format != "json"):
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
        sys.stdout.write(render_text(diagnosis, args.path, args.width or terminal_width(sys.stdout)))
        print_warnings(list(report.warnings) + list(diagnosis.pitfalls), args.quiet, args.width or terminal_width(sys.stderr))
    return strict_exit(report, args.strict) or (EXIT_OK if diagnosis.correct else EXIT_CHECK_FAILED)
