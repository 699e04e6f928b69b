"""Mutation fuzzing of every paramwise reader: N mutated real model files per reader, run through the CLI.

    python benchmarks/fuzz.py --per-reader 100000 --seed 1            every reader
    python benchmarks/fuzz.py --per-reader 2000 --reader keras_json   one reader (repeat --reader for more)
    python benchmarks/fuzz.py --reader torch_pt --seed 1 --index 417  rebuild one input, run it, show why

Prints per reader: runs, the exit-code histogram, crashes (exit 4 or an exception out of the CLI, or the
process killed by a signal), hangs (a run over --limit seconds; one over it on the wall clock with under
half of it on the CPU, a busy machine, is run once more and is a hang if over again), canary hits (a payload
created the canary file) and leaks (a secret from the environment printed), runs/s, and one example of each finding class
(deduplicated by exception type and innermost frame). Every finding's input, command line and traceback
are saved under --findings. The runs happen in a worker process under a memory limit; when it dies (a
segfault, the memory limit, a hang the alarm could not interrupt) the input is saved as a finding and a new
worker carries on after it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # before this folder: `fuzz` is the package in tests/

from fuzz.engine import READERS, Finding, Stats, Workspace, fuzz_reader, run_one, save_finding  # noqa: E402
from fuzz.engine import message as message_of  # noqa: E402
from fuzz.oracle import Outcome  # noqa: E402
from fuzz.values import Context  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-reader", type=int, default=1000, help="mutated inputs per reader (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="run seed: the same seed makes the same inputs")
    p.add_argument("--start", type=int, default=0, help="first input index (to continue a run)")
    p.add_argument("--reader", action="append", choices=sorted(READERS), help="only these readers (default: all)")
    p.add_argument("--limit", type=float, default=10.0, help="seconds one input may take before it is a hang")
    p.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of the worker (0: none)")
    p.add_argument("--findings", default=os.path.join(tempfile.gettempdir(), "paramwise-fuzz", "findings"),
                   help="where crash/hang inputs are saved")
    p.add_argument("--workdir", default=None, help="where inputs are written (default: a temporary folder)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--markdown", metavar="FILE", help="also write the figures and one example per finding as markdown")
    p.add_argument("--index", type=int, help="rebuild input INDEX of --reader, run it in this process and explain")
    p.add_argument("--worker", metavar="STATE", help=argparse.SUPPRESS)
    p.add_argument("--keep", metavar="DIR", help=argparse.SUPPRESS)  # with --index: only save the input there
    return p.parse_args(argv)


# -- the worker: runs a plan, writing its figures before every input ---------------------------------


def limit_memory(mb: int) -> None:
    if mb:
        resource.setrlimit(resource.RLIMIT_AS, (mb * 2**20, mb * 2**20))


def worker(args: argparse.Namespace) -> int:
    limit_memory(args.memory_mb)
    ws = Workspace(args.workdir, Context.create(os.path.join(args.workdir, "canary")))
    os.makedirs(os.path.join(args.workdir, "canary"), exist_ok=True)
    state_path = args.worker
    done: list[dict[str, Any]] = []
    for reader in args.reader:
        stats = Stats(reader)

        def progress(index: int, stats: Stats = stats, reader: str = reader) -> None:
            write_state(state_path, {"reader": reader, "index": index, "stats": stats.to_json(), "done": done})

        count = max(0, args.per_reader - args.start)  # a restarted worker carries on to the same last index
        fuzz_reader(reader, args.seed, args.start, count, ws, args.findings, args.limit, stats, progress)
        done.append(stats.to_json())
        args.start = 0
    write_state(state_path, {"reader": None, "index": None, "stats": None, "done": done})
    return 0


def write_state(path: str, state: dict[str, Any]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def read_state(path: str) -> dict[str, Any] | None:
    try:
        with open(path) as f:
            state: dict[str, Any] = json.load(f)
            return state
    except (OSError, ValueError):
        return None


# -- the supervisor ----------------------------------------------------------------------------------


def worker_command(args: argparse.Namespace, readers: list[str], start: int, state: str, workdir: str) -> list[str]:
    cmd = [sys.executable, __file__, "--worker", state, "--seed", str(args.seed), "--per-reader", str(args.per_reader),
           "--start", str(start), "--limit", str(args.limit), "--memory-mb", str(args.memory_mb),
           "--findings", args.findings, "--workdir", workdir]
    for r in readers:
        cmd += ["--reader", r]
    return cmd


def supervise(args: argparse.Namespace) -> dict[str, Stats]:
    readers = args.reader or list(READERS)
    results = {r: Stats(r) for r in readers}
    workdir = args.workdir or tempfile.mkdtemp(prefix="paramwise-fuzz-")
    state_path = os.path.join(workdir, "state.json")
    todo, start = list(readers), args.start
    stall = args.limit * 3 + 30  # the alarm stops a slow input at --limit; past this the worker is stuck
    while todo:
        if os.path.exists(state_path):
            os.remove(state_path)
        proc = subprocess.Popen(worker_command(args, todo, start, state_path, workdir))
        last, since = None, time.monotonic()
        killed = False
        while proc.poll() is None:
            time.sleep(0.5)
            state = read_state(state_path)
            mark = state and (state["reader"], state["index"])
            if mark != last:
                last, since = mark, time.monotonic()
            elif time.monotonic() - since > stall + (60 if state is None else 0):
                proc.kill()
                proc.wait()
                killed = True
        state = read_state(state_path) or {"reader": todo[0], "index": start, "stats": None, "done": []}
        for data in state["done"]:
            results[data["reader"]].merge(data)
            todo.remove(data["reader"])
        if proc.returncode == 0 and not todo:
            break
        reader, index = state["reader"] or todo[0], state["index"] if state["index"] is not None else start
        if state["stats"]:
            results[reader].merge(state["stats"])
        how = "hang" if killed else "crash"
        name = "stuck" if killed else signal_name(proc.returncode)
        print(f"{reader}: input {index} {'stopped the worker' if killed else f'killed the worker ({name})'}",
              file=sys.stderr)
        record_death(args, results[reader], reader, index, how, name, workdir)
        start = index + 1
        if start >= args.per_reader:
            todo.remove(reader)
            start = 0
    return results


def signal_name(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def record_death(args: argparse.Namespace, stats: Stats, reader: str, index: int, how: str, name: str,
                 workdir: str) -> None:
    outcome = Outcome("hang" if how == "hang" else "4", args.limit if how == "hang" else 0.0, name, name, name)
    stats.add(index, outcome)
    key = f"{how} {name}"
    if key in stats.findings:
        stats.findings[key].count += 1
        return
    keep = os.path.join(workdir, f"keep{index}")
    subprocess.run([sys.executable, __file__, "--reader", reader, "--seed", str(args.seed), "--index", str(index),
                    "--keep", keep, "--workdir", workdir], timeout=120, check=False)
    from fuzz.engine import Prepared

    files = [os.path.join(keep, f) for f in os.listdir(keep)] if os.path.isdir(keep) else []
    prepared = Prepared(files=files, note=f"the worker process: {name}")
    folder = save_finding(args.findings, reader, args.seed, index, how, key, prepared, outcome)
    stats.findings[key] = Finding(key, how, reader, index, 1, outcome, prepared.note, folder)


# -- one input, explained ----------------------------------------------------------------------------


def explain(args: argparse.Namespace) -> int:
    reader = (args.reader or [None])[0]
    if reader is None:
        print("--index needs --reader", file=sys.stderr)
        return 2
    workdir = args.workdir or tempfile.mkdtemp(prefix="paramwise-fuzz-")
    ctx = Context.create(os.path.join(workdir, "canary"))
    os.makedirs(os.path.join(workdir, "canary"), exist_ok=True)
    ws = Workspace(workdir, ctx)
    if args.keep:
        from fuzz.engine import make_input

        prepared = make_input(reader, args.seed, args.index, ws)
        os.makedirs(args.keep, exist_ok=True)
        for p in prepared.files:
            os.replace(p, os.path.join(args.keep, os.path.basename(p)))
        return 0
    limit_memory(args.memory_mb)
    prepared, outcome = run_one(reader, args.seed, args.index, ws, args.limit)
    print(f"input: {prepared.files or prepared.note}\nnote: {prepared.note}\nargv: {prepared.argv}")
    print(f"exit: {outcome.code} in {outcome.seconds:.2f} s (CPU {outcome.cpu:.2f} s); finding: {outcome.finding or 'none'}")
    if outcome.trace:
        print(outcome.trace)
    print("--- stderr ---\n" + outcome.stderr)
    return 1 if outcome.finding else 0


# -- report ------------------------------------------------------------------------------------------


def report(results: dict[str, Stats], args: argparse.Namespace, seconds: float) -> str:
    lines = [f"paramwise fuzz: seed {args.seed}, {args.per_reader} inputs per reader from index {args.start}, "
             f"limit {args.limit:g} s per input, {seconds:.0f} s in all"]
    header = f"{'reader':<18} {'runs':>7} {'crashes':>7} {'hangs':>5} {'canary':>6} {'leaks':>5} {'runs/s':>7}  exit codes"
    lines += [header, "-" * len(header)]
    for s in results.values():
        rate = s.runs / s.seconds if s.seconds else 0.0
        codes = " ".join(f"{k}:{v}" for k, v in sorted(s.codes.items()))
        lines.append(f"{s.reader:<18} {s.runs:>7} {s.crashes:>7} {s.hangs:>5} {s.canary:>6} {s.leaks:>5} {rate:>7.1f}  {codes}")
    total = {k: sum(getattr(s, k) for s in results.values()) for k in ("runs", "crashes", "hangs", "canary", "leaks")}
    lines.append(f"{'all':<18} {total['runs']:>7} {total['crashes']:>7} {total['hangs']:>5} {total['canary']:>6} "
                 f"{total['leaks']:>5}")
    for s in results.values():
        if s.rerun:
            lines.append(f"  {s.reader}: {s.rerun} run(s) over the limit on the wall clock with under half of it on "
                         "the CPU (a busy machine) were run once more; a hang is over the limit both times")
    for s in results.values():
        for f in sorted(s.findings.values(), key=lambda f: -f.count):
            message = "".join(message_of(f.outcome.stderr))
            lines.append(f"  {s.reader} x{f.count}: {f.key}")
            lines.append(f"      e.g. input {f.index} ({f.note}); {f.folder}")
            if f.outcome.paramwise_frame and f.outcome.paramwise_frame != f.outcome.last_frame:
                lines.append(f"      paramwise frame: {f.outcome.paramwise_frame}")
            if message:
                lines.append(f"      {message[:160]}")
    return "\n".join(lines)


def markdown(results: dict[str, Stats], args: argparse.Namespace) -> str:
    """The findings as a markdown list: one example of each class, with its message and mutation."""
    out = [f"Command: `python benchmarks/fuzz.py --per-reader {args.per_reader} --seed {args.seed}`\n",
           "| reader | runs | crashes | hangs | canary | leaks | exit codes |", "|---|---|---|---|---|---|---|"]
    for s in results.values():
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(s.codes.items()))
        out.append(f"| {s.reader} | {s.runs} | {s.crashes} | {s.hangs} | {s.canary} | {s.leaks} | {codes} |")
    for s in results.values():
        if not s.findings:
            continue
        out.append(f"\n### {s.reader}\n")
        for f in sorted(s.findings.values(), key=lambda f: -f.count):
            out.append(f"- **{f.key}** (x{f.count}; e.g. input {f.index}, {f.note}; `{f.folder}`)")
            if f.outcome.paramwise_frame and f.outcome.paramwise_frame not in f.key:
                out.append(f"  - innermost paramwise frame: `{f.outcome.paramwise_frame}`")
            text = ""
            if f.folder and os.path.exists(os.path.join(f.folder, "finding.txt")):
                with open(os.path.join(f.folder, "finding.txt"), encoding="utf-8", errors="replace") as g:
                    text = g.read()
            said = "".join(message_of(f.outcome.stderr))
            if said:
                out.append(f"  - message: `{said[:200]}`")
            argv = next((line[6:] for line in text.splitlines() if line.startswith("argv: ")), "")
            if "'--" in argv:
                out.append(f"  - options: `{argv[:200]}`")
            if "--- the mutation ---\n" in text:
                diff = text.split("--- the mutation ---\n", 1)[1].splitlines()
                lines = [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))][:4]
                if lines:
                    out.append("  - mutation: " + " / ".join(f"`{d[:140]}`" for d in lines))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    if args.index is not None:
        return explain(args)
    t = time.monotonic()
    results = supervise(args)
    print(report(results, args, time.monotonic() - t))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "per_reader": args.per_reader, "start": args.start, "limit": args.limit,
                       "readers": [s.to_json() for s in results.values()]}, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(results, args))
    bad = sum(s.crashes + s.hangs + s.canary + s.leaks for s in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
