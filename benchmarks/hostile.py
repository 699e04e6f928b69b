"""paramwise against its hostile-input corpus (tests/hostile): the figures of the promise "safe to point at
anything" — no input runs code or leaks, every bad input is a clear error (never exit 4, a traceback or a
signal), every answer comes within 10 s and 1 GB.

Run on purpose (a few minutes on 2 cores):
    python benchmarks/hostile.py                 every case, 2 at a time, the summary
    python benchmarks/hostile.py --list-bad      and each failing case with its problems and stderr's last line
    python benchmarks/hostile.py --slice         only the slice tests/test_hostile.py runs
    python benchmarks/hostile.py --only bomb/    cases whose id contains this text
    python benchmarks/hostile.py --cmd "python -m paramwise"   another command (e.g. an older checkout on PYTHONPATH)

A case passes when: no canary file was created and the canary variable's value is not in the output; the exit
code is one it allows (0-3; 1-3 for inputs that are no valid model; 0 for valid ones); no 'Traceback' in stderr
(unless it runs with --debug); no signal; within the time and memory limits; no internal repr in the output.
Exit status: 0 when every case passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile.make_corpus import corpus, fast_slice  # noqa: E402
from hostile.runner import LIMIT_MB, LIMIT_S, Result, default_command, run_cases  # noqa: E402


def summary(results: list[Result], elapsed: float) -> str:
    n = len(results)
    failed = [r for r in results if not r.passed]
    codes = Counter("timeout" if r.timed_out else "memory-kill" if r.killed_for_memory else
                    "harness" if r.harness_error else str(r.code) for r in results)
    histogram = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=lambda kv: (not kv[0].lstrip("-").isdigit(), kv[0].lstrip("-").isdigit() and int(kv[0]) or 0, kv[0])))
    peak = max(results, key=lambda r: r.peak_mb)
    refused = [r for r in results if r.case.expect == "ok" and r.code not in (0, None) and r.code != 4 and not r.signal]
    accepted = [r for r in results if r.case.expect == "error" and r.code == 0]
    lines = [
        f"cases: {n}   passed: {n - len(failed)}   failed: {len(failed)}   ({elapsed:.0f} s)",
        f"exit codes: {histogram}",
        f"code executed: {sum(r.executed for r in results)} (canary file created: {sum(r.canary for r in results)}, "
        f"canary variable in the output: {sum(r.leaked for r in results)})",
        f"exit 4 (internal error): {sum(r.code == 4 for r in results)}",
        f"tracebacks in stderr: {sum(r.traceback for r in results)}",
        f"signals (segfaults and other kills, negative exit codes): {sum(r.signal is not None for r in results)}"
        + (f" ({', '.join(sorted({r.case.id + ': ' + str(r.code) for r in results if r.signal}))})" if any(r.signal for r in results) else ""),
        f"timeouts (killed): {sum(r.timed_out for r in results)}; answered after {LIMIT_S:g} s: "
        f"{sum(r.slow and not r.timed_out for r in results)} (of which with less than {LIMIT_S:g} s of CPU: "
        f"{sum(r.late for r in results)})",
        f"over memory (> {LIMIT_MB} MB peak RSS): {sum(r.over_memory for r in results)}",
        f"accepted bad input (exit 0 where an error is due): {len(accepted)}",
        f"refused valid input (an error where exit 0 is due): {len(refused)}",
        f"internal reprs in the output: {sum(bool(r.internal_repr) for r in results)}",
        f"read what it must not (files outside an index's folder): {sum(bool(r.forbidden) for r in results)}",
        f"peak memory: max {peak.peak_mb:.0f} MB ({peak.case.id}), median {statistics.median(r.peak_mb for r in results):.0f} MB",
        "slowest (wall, CPU): " + ", ".join(f"{r.case.id} {'>' if r.timed_out else ''}{r.wall:.1f} s {r.cpu:.1f} s"
                                for r in sorted(results, key=lambda r: -r.wall)[:8]),
        "failed by class: " + ", ".join(f"{cls} {sum(not r.passed for r in rs)}/{len(rs)}"
                                        for cls, rs in by_class(results).items()),
    ]
    return "\n".join(lines)


def by_class(results: list[Result]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.case.cls, []).append(r)
    return groups


def list_bad(results: list[Result]) -> str:
    lines = []
    for r in results:
        if r.passed:
            continue
        lines.append(f"FAIL {r.case.id}  [exit {r.code}, {r.wall:.1f} s, {r.peak_mb:.0f} MB] {'; '.join(r.problems())}")
        if r.last_line():
            lines.append(f"     {r.last_line()}")
    return "\n".join(lines)


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--list-bad", action="store_true", help="print each failing case, its problems and stderr's last line")
    p.add_argument("--slice", action="store_true", help="only the cases tests/test_hostile.py runs")
    p.add_argument("--only", metavar="TEXT", help="only cases whose id contains TEXT")
    p.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    p.add_argument("--cmd", metavar="COMMAND", help="the paramwise command (default: the installed script)")
    p.add_argument("--keep", metavar="DIR", help="make the cases' files under DIR and keep them (with _logs/)")
    p.add_argument("--cpu-time", action="store_true",
                   help="judge time by CPU seconds, not wall-clock (a machine busy with other work; see tests/hostile/runner.py)")
    p.add_argument("--json", metavar="FILE", help="write every result (id, exit, time, memory, problems) to FILE")
    args = p.parse_args(argv)
    cases = fast_slice() if args.slice else corpus()
    if args.only:
        cases = [c for c in cases if args.only in c.id]
    command = shlex.split(args.cmd) if args.cmd else default_command()
    clock = "CPU time (--cpu-time)" if args.cpu_time else "wall-clock time"
    print(f"hostile corpus: {len(cases)} cases through {shlex.join(command)}, {args.jobs} at a time, "
          f"limits {LIMIT_S:g} s of {clock} and {LIMIT_MB} MB; load average {os.getloadavg()[0]:.1f}", flush=True)
    done = 0

    def progress(r: Result) -> None:
        nonlocal done
        done += 1
        if not r.passed:
            print(f"  [{done}/{len(cases)}] FAIL {r.case.id}: {'; '.join(r.problems())}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGTERM, interrupted)  # a killed run ends the cases it started
    start = time.monotonic()
    root = Path(args.keep) if args.keep else None
    if root:
        root.mkdir(parents=True, exist_ok=True)
    results = run_cases(cases, command, args.jobs, root=root, progress=progress, strict_wall=not args.cpu_time)
    elapsed = time.monotonic() - start
    if args.list_bad:
        print(list_bad(results))
        print()
    print(summary(results, elapsed))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps([{"id": r.case.id, "expect": r.case.expect, "exit": r.code,
                                                "wall": round(r.wall, 2), "cpu": round(r.cpu, 2), "peak_mb": round(r.peak_mb),
                                                "problems": r.problems(), "last_line": r.last_line()}
                                               for r in results], indent=1))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
