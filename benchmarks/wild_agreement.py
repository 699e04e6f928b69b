"""How often paramwise's static reading agrees with real Keras on code nobody on the team wrote.

Run on purpose (it builds every model with Keras):  python benchmarks/wild_agreement.py
Prints one line per case and the agreement of totals and of per-layer counts.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from wild_cases import WildCase, build_case, read_case, wild_cases  # noqa: E402


def measure(case: WildCase) -> tuple[bool, int, int, str]:
    """(totals agree, layers agreeing, layers in Keras, note)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the case's own model.summary() calls
            model = build_case(case)
    except Exception as e:  # the oracle itself cannot build this text
        return False, 0, 0, f"keras: {type(e).__name__}: {e}"
    layers = list(model.layers)
    try:
        report = read_case(case)
    except Exception as e:
        return False, 0, len(layers), f"paramwise: {type(e).__name__}: {getattr(e, 'message', e)}"
    rows = {r.name: r for r in report.rows if r.depth == 0}
    agree = sum(1 for layer in layers if layer.name in rows and rows[layer.name].params == count(layer))
    ok = report.total == model.count_params()
    note = "" if ok else f"paramwise {report.total}, keras {model.count_params()}"
    return ok, agree, len(layers), note


def count(layer: Any) -> int | None:
    try:
        return int(layer.count_params())
    except ValueError:  # a layer Keras never built
        return None


def main() -> int:
    cases = wild_cases()
    totals = layers_ok = layers_all = 0
    for case in cases:
        ok, agree, count, note = measure(case)
        totals += ok
        layers_ok += agree
        layers_all += count
        print(f"{'ok  ' if ok else 'FAIL'} {case.name:45} layers {agree}/{count} {note}")
    print(f"\ntotals agree: {totals}/{len(cases)} ({100 * totals / max(len(cases), 1):.1f}%)")
    print(f"per-layer counts agree: {layers_ok}/{layers_all} ({100 * layers_ok / max(layers_all, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
