"""Run hostile cases through the paramwise command, each in its own process group, and judge each answer.

A case passes when: no canary file was created and the canary variable's value is not in the output (no code
ran, nothing leaked); the exit code is one the case allows (0-3; 1-3 where the input is not a valid model, 0
where it is); stderr holds no Python traceback (unless the case runs with --debug); no signal killed it; it
answered within the time limit (10 s: wall-clock time, or on a loaded machine CPU time, see `strict_wall`) and
its peak resident memory stayed under the memory limit (1 GB); no
internal repr (`object at 0x...`, `ClassValue(...)`) appears in the output; and no text the case forbids
(something that should not have been read) appears.

Each child runs in its own session (its process group is killed, and only it, on a timeout), under
`prlimit --fsize` (so an output bomb cannot fill the disk), watched every 50 ms for the resident memory and
CPU time of its whole process tree; its peak memory is also taken from os.wait4's ru_maxrss.

Time: with strict_wall (the benchmark's default) a case must answer within the limit in wall-clock time and
is killed a second past it. On a machine shared with other work the wall clock measures the load, not
paramwise, so without strict_wall (the test's default) a case fails when it uses more than the limit in CPU
time (killed a second past it: a loop), or is still running at three times the limit (a blocked read); a late
answer within the CPU limit is reported, not failed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hostile.make_corpus import SECRET_VAR, Case

LIMIT_S = 10.0
LIMIT_MB = 1024
OUTPUT_LIMIT = 64 * 1024 * 1024  # bytes a child may write to a file (stdout/stderr); past it: SIGXFSZ
ALLOWED = {"error": {1, 2, 3}, "ok": {0}, "any": {0, 1, 2, 3}}
INTERNAL_REPR = re.compile(r"object at 0x[0-9a-fA-F]+|\b(?:ClassValue|_Builtin|Function|Scope|Interpreter|Context)\("
                           r"|<ast\.[A-Za-z]+|<paramwise\.|'paramwise\.frontends")
LIVE: set[int] = set()  # process groups of the children running now (killed if the run is interrupted)
LIVE_LOCK = threading.Lock()
SCRUBBED_ENV = ("PYTHONIOENCODING", "COLUMNS", "LINES", "PYTHONUTF8", "LC_ALL", "FORCE_COLOR", "NO_COLOR")


@dataclass
class Result:
    case: Case
    code: int | None  # exit code; negative: the signal that ended it; None: killed by the watchdog
    wall: float
    peak_mb: float
    stdout: str
    stderr: str
    canary: bool = False
    leaked: bool = False
    timed_out: bool = False
    killed_for_memory: bool = False
    limit_s: float = LIMIT_S
    limit_mb: float = LIMIT_MB
    forbidden: list[str] = field(default_factory=list)
    harness_error: str = ""
    cpu: float = 0.0  # user + system seconds of the child and what it waited for
    strict_wall: bool = True

    @property
    def executed(self) -> bool:
        return self.canary or self.leaked

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr and not self.case.debug

    @property
    def internal_repr(self) -> str | None:
        m = INTERNAL_REPR.search(self.stdout + "\n" + self.stderr)
        return m.group(0) if m else None

    @property
    def signal(self) -> int | None:
        return -self.code if self.code is not None and self.code < 0 else None

    @property
    def over_memory(self) -> bool:
        return self.killed_for_memory or self.peak_mb > self.limit_mb

    @property
    def slow(self) -> bool:
        return self.timed_out or self.wall > self.limit_s or self.cpu > self.limit_s

    @property
    def late(self) -> bool:
        """Answered after the wall-clock limit having used less CPU than it: the machine was busy."""
        return not self.timed_out and self.wall > self.limit_s and self.cpu <= self.limit_s

    def problems(self) -> list[str]:
        """What broke the promise, in words; empty when the case passes."""
        found = []
        if self.harness_error:
            return [f"the harness could not run this case: {self.harness_error}"]
        if self.canary:
            found.append("CODE EXECUTED: the canary file was created")
        if self.leaked:
            found.append(f"LEAK: the value of ${SECRET_VAR} is in the output")
        if self.timed_out:
            found.append(f"timeout: killed after {self.wall:.1f} s ({self.cpu:.1f} s CPU)")
        elif self.cpu > self.limit_s:
            found.append(f"slow: {self.cpu:.1f} s CPU, {self.wall:.1f} s wall (limit {self.limit_s:g} s)")
        elif self.wall > self.limit_s and self.strict_wall:
            found.append(f"slow: {self.wall:.1f} s wall, {self.cpu:.1f} s CPU (limit {self.limit_s:g} s)")
        if self.over_memory:
            killed = " (killed)" if self.killed_for_memory else ""
            found.append(f"memory: peak {self.peak_mb:.0f} MB{killed} (limit {self.limit_mb:g} MB)")
        if self.signal is not None:
            found.append(f"killed by signal {self.signal} ({signal_name(self.signal)})")
        elif self.code == 4:
            found.append("exit 4 (internal error)")
        elif self.code == 1 and not self.case.is_check:
            found.append("exit 1 outside `paramwise check` (Python's exit status for an uncaught exception)")
        elif self.code is not None and self.code not in ALLOWED[self.case.expect]:
            wanted = {"error": "an error (exit 1-3)", "ok": "success (exit 0)", "any": "exit 0-3"}[self.case.expect]
            found.append(f"exit {self.code}, expected {wanted}")
        if self.traceback:
            found.append("traceback in stderr")
        if self.internal_repr:
            found.append(f"internal repr in the output: {self.internal_repr!r}")
        for text in self.forbidden:
            found.append(f"read what it must not: {text!r} in the output")
        return found

    @property
    def passed(self) -> bool:
        return not self.problems()

    def last_line(self) -> str:
        """stderr's last line that names an error (the message, not its hint), else its last line."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower() and not line.startswith("hint:")]
        return (errors or lines or [""])[-1][:240]

    def describe(self) -> str:
        head = f"{self.case.id}: exit {self.code}, {self.wall:.1f} s ({self.cpu:.1f} s CPU), {self.peak_mb:.0f} MB"
        return "\n".join([head, *("  - " + p for p in self.problems()), "  stderr: " + tail(self.stderr, 1500)])


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "?"


def tail(text: str, n: int) -> str:
    return text if len(text) <= n else "..." + text[-n:]


def default_command() -> list[str]:
    """The installed `paramwise` script beside this Python, or on PATH, or `python -m paramwise`."""
    beside = Path(sys.executable).with_name("paramwise")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("paramwise")
    return [found] if found else [sys.executable, "-m", "paramwise"]


def tree_usage(pid: int) -> tuple[int, float]:
    """Resident memory (KB) and CPU seconds (its own and its reaped children's) of a process and all its
    descendants, from /proc."""
    rss, ticks, stack, seen = 0, 0, [pid], set()
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            rss += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page_kb
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return rss, ticks / os.sysconf("SC_CLK_TCK")


def expand(argv: Sequence[str], folder: Path) -> list[str]:
    out: list[str] = []
    for item in argv:
        if item == "@argv.json":
            out.extend(json.loads((folder / "argv.json").read_text()))
        else:
            out.append(item.replace("{d}", str(folder)))
    return out


def child_env(case: Case, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.setdefault("KERAS_BACKEND", "torch")
    env[SECRET_VAR] = secret
    env.update(dict(case.env))
    return env


def command_line(case: Case, command: list[str], folder: Path) -> list[str]:
    limit = ["prlimit", f"--fsize={OUTPUT_LIMIT}", "--"] if shutil.which("prlimit") else []
    if case.shell is not None:
        line = case.shell.replace("{d}", shlex.quote(str(folder))).replace("$PARAMWISE", shlex.join(command))
        return [*limit, "bash", "-c", line]
    argv = [*command, *expand(case.argv, folder)]
    redirections = (">&- " if case.stdout == "closed" else "") + ("<&- " if case.stdin == "closed" else "")
    if redirections:
        return [*limit, "bash", "-c", f'exec "$@" {redirections}', "bash", *argv]
    return [*limit, *argv]


def run_case(case: Case, root: Path, command: list[str] | None = None, secret: str = "",
             limit_s: float = LIMIT_S, limit_mb: float = LIMIT_MB, strict_wall: bool = True) -> Result:
    """Make the case's files under root, run paramwise on them, and judge the answer."""
    command = command or default_command()
    secret = secret or secrets.token_hex(12)
    folder = root / case.slug
    folder.mkdir(parents=True, exist_ok=True)
    canary_dir = root / "_canary"
    canary_dir.mkdir(exist_ok=True)
    canary = canary_dir / case.slug
    case.make(folder, str(canary))
    logs = root / "_logs"
    logs.mkdir(exist_ok=True)
    out_path, err_path = logs / f"{case.slug}.out", logs / f"{case.slug}.err"
    with open_stream(case.stdout, out_path) as out, open_stream(case.stderr, err_path) as err, \
            open_stdin(case.stdin) as (stdin, data):
        start = time.monotonic()
        proc = subprocess.Popen(command_line(case, command, folder), cwd=folder, env=child_env(case, secret),
                                stdin=stdin, stdout=out, stderr=err, start_new_session=True)
        with LIVE_LOCK:
            LIVE.add(proc.pid)
        if data is not None:
            threading.Thread(target=feed, args=(proc, data), daemon=True).start()
        status, usage, peak_kb, timed_out, killed_mem = watch(proc, start, limit_s, limit_mb, strict_wall)
        wall = time.monotonic() - start
    code = None if (timed_out or killed_mem) else os.waitstatus_to_exitcode(status)
    stdout, stderr = read_log(out_path), read_log(err_path)
    everything = stdout + stderr
    return Result(case, code, wall, max(child_maxrss(usage), peak_kb) / 1024, stdout, stderr,
                  canary=canary.exists(), leaked=secret in everything, timed_out=timed_out,
                  killed_for_memory=killed_mem, limit_s=limit_s, limit_mb=limit_mb,
                  forbidden=[t for t in case.forbid if t in everything], cpu=usage.ru_utime + usage.ru_stime,
                  strict_wall=strict_wall)


def child_maxrss(usage: resource.struct_rusage) -> int:
    """The child's ru_maxrss (kB), when it can be told apart from ours: Linux records the high-water RSS of the
    address space a child is forked from when it execs, so a child of a 2 GB pytest reports 2 GB however small it
    stays. Below our own high-water mark the figure says nothing, and the /proc samples stand alone."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage.ru_maxrss if usage.ru_maxrss > own else 0


def watch(proc: subprocess.Popen[bytes], start: float, limit_s: float, limit_mb: float,
          strict_wall: bool) -> tuple[int, Any, int, bool, bool]:
    """Wait for the child, sampling its tree's memory and CPU time; kill its process group past the limits (a
    second past the time limit, so a slow answer is told from a hang; at twice the memory limit)."""
    peak, timed_out, killed_mem = 0, False, False
    hang_s = limit_s + 1 if strict_wall else 3 * limit_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss, cpu = tree_usage(proc.pid)
        peak = max(peak, rss)
        if cpu > limit_s + 1 or time.monotonic() - start > hang_s:
            timed_out = True
        elif peak > 2 * limit_mb * 1024:
            killed_mem = True
        if timed_out or killed_mem:
            kill_group(proc.pid)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    kill_group(proc.pid)  # whatever the child left running in its session
    with LIVE_LOCK:
        LIVE.discard(proc.pid)
    return status, usage, peak, timed_out, killed_mem


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:
        pass


class open_stream:  # noqa: N801 - a context manager used like open()
    """Where the child's stdout/stderr go: a log file, /dev/full, or nowhere (closed by the shell wrapper)."""

    def __init__(self, mode: str, path: Path) -> None:
        self.file: IO[bytes] | None = None
        self.mode, self.path = mode, path

    def __enter__(self) -> Any:
        if self.mode == "full":
            self.file = open("/dev/full", "wb")  # noqa: SIM115
        else:
            self.file = open(self.path, "wb")  # noqa: SIM115
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.file:
            self.file.close()


class open_stdin:  # noqa: N801
    def __init__(self, spec: bytes | str | None) -> None:
        self.spec = spec
        self.file: IO[bytes] | None = None

    def __enter__(self) -> tuple[Any, bytes | None]:
        if isinstance(self.spec, bytes):
            return subprocess.PIPE, self.spec
        if self.spec == "zero":
            self.file = open("/dev/zero", "rb")  # noqa: SIM115
            return self.file, None
        return subprocess.DEVNULL, None

    def __exit__(self, *exc: object) -> None:
        if self.file:
            self.file.close()


def read_log(path: Path, limit: int = 4 * 1024 * 1024) -> str:
    try:
        with path.open("rb") as f:
            size = path.stat().st_size
            if size > limit:  # keep the start and the end of a huge output
                head = f.read(limit // 2)
                f.seek(size - limit // 2)
                return (head + b"\n[...]\n" + f.read()).decode("utf-8", "replace")
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def run_cases(cases: Iterable[Case], command: list[str] | None = None, jobs: int = 2, limit_s: float = LIMIT_S,
              limit_mb: float = LIMIT_MB, root: Path | None = None,
              progress: Callable[[Result], None] | None = None, strict_wall: bool = True) -> list[Result]:
    """Run every case (`jobs` at a time) in a fresh folder under root (a temporary one, removed after)."""
    todo = list(cases)
    secret = secrets.token_hex(12)
    command = command or default_command()
    with tempfile.TemporaryDirectory(prefix="paramwise-hostile-") as tmp:
        base = root or Path(tmp)

        stopping = threading.Event()

        def one(case: Case) -> Result:
            if stopping.is_set():
                return Result(case, None, 0.0, 0.0, "", "", harness_error="the run was interrupted")
            try:
                result = run_case(case, base, command, secret, limit_s, limit_mb, strict_wall)
            except Exception as e:  # the harness failed to make or run the case: say so, do not stop
                result = Result(case, None, 0.0, 0.0, "", "", harness_error=f"{type(e).__name__}: {e}")
            if progress:
                progress(result)
            return result

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            try:
                results = list(pool.map(one, todo))
            except BaseException:  # interrupted: stop starting cases, end the running ones
                stopping.set()
                with LIVE_LOCK:
                    for pgid in LIVE:
                        kill_group(pgid)
                raise
        stray = sorted(p.name for p in (base / "_canary").glob("*")) if (base / "_canary").exists() else []
        by_slug = {r.case.slug: r for r in results}
        for name in stray:  # a canary written under another case's name still counts
            if name in by_slug:
                by_slug[name].canary = True
    return results
