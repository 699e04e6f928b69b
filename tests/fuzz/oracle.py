"""One run of paramwise on one input, in-process: its exit code, and whether it crashed, hung, created the
canary or printed the secret."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType, TracebackType

from .values import Context


class Hang(BaseException):
    """Raised by the alarm in the run it interrupts (a BaseException, so `except Exception` lets it through)."""


@dataclass
class Outcome:
    code: str  # "0".."4", "hang", "escaped" (an exception out of main), "skipped" (the input could not be made)
    seconds: float
    exc_type: str = ""
    last_frame: str = ""  # innermost frame: file:line function
    paramwise_frame: str = ""  # innermost frame inside paramwise
    trace: str = ""
    canary: bool = False
    leak: bool = False
    stderr: str = ""
    cpu: float = 0.0  # CPU seconds of the process during the run (a hang on a loaded machine shows little)

    @property
    def crashed(self) -> bool:
        return self.code in ("4", "escaped")

    @property
    def finding(self) -> str:
        """'' or the class of finding: crash, hang, canary, leak."""
        if self.canary:
            return "canary"
        if self.leak:
            return "leak"
        if self.code == "hang":
            return "hang"
        return "crash" if self.crashed else ""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise Hang in the running code after `seconds` of wall time, and again every half second if it is
    swallowed. A watchdog thread sends SIGUSR1 to the main thread: SIGALRM and its timer belong to the
    code under test (the CLI's own time limit), and a signal also interrupts a blocking system call (a FIFO)."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"over {seconds:g} s")

    done = threading.Event()
    main = threading.main_thread().ident or 0

    def watch() -> None:
        if done.wait(seconds):
            return
        while not done.is_set():
            signal.pthread_kill(main, signal.SIGUSR1)
            done.wait(0.5)

    old = signal.signal(signal.SIGUSR1, ring)
    watcher = threading.Thread(target=watch, name="fuzz-alarm", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        signal.signal(signal.SIGUSR1, old)


def frames(tb: TracebackType | None) -> tuple[str, str]:
    """(innermost frame, innermost frame inside paramwise) as 'path:line function'."""
    last = mine = ""
    for fs in traceback.extract_tb(tb):
        where = f"{short(fs.filename)}:{fs.lineno} {fs.name}"
        last = where
        if "paramwise" in fs.filename and "/tests/" not in fs.filename:
            mine = where
    return last, mine


def short(filename: str) -> str:
    for marker in ("/src/paramwise/", "/site-packages/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1] if marker != "/src/paramwise/" else "paramwise/" + filename.split(marker, 1)[1]
    return filename


def run_call(call: Callable[[], int], ctx: Context, limit: float) -> Outcome:
    """Run `call` (returning an exit code) with output captured, under the time limit."""
    out, err = io.StringIO(), io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    outcome: Outcome
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with alarm(limit):
                code = call()
        outcome = Outcome(str(code), time.perf_counter() - start)
    except Hang:
        last, mine = frames(sys.exc_info()[2])
        outcome = Outcome("hang", time.perf_counter() - start, "Hang", last, mine, traceback.format_exc(limit=-12))
    except SystemExit as e:  # argparse
        outcome = Outcome(str(e.code if isinstance(e.code, int) else 2), time.perf_counter() - start)
    except BaseException as e:  # noqa: B036  (everything that escapes is a finding, KeyboardInterrupt aside)
        if isinstance(e, KeyboardInterrupt):
            raise
        last, mine = frames(e.__traceback__)
        outcome = Outcome("escaped", time.perf_counter() - start, type(e).__name__, last, mine,
                          "".join(traceback.format_exception(e, limit=-12))[-6000:])
    outcome.stderr = err.getvalue()[-12000:]
    outcome.cpu = time.process_time() - cpu
    if outcome.seconds > limit and outcome.code != "hang":  # the alarm was swallowed, or the read ended late
        outcome.exc_type = outcome.exc_type or f"exit {outcome.code} after {outcome.seconds:.0f} s"
        outcome.code = "hang"
    if os.path.exists(ctx.canary):
        outcome.canary = True
        os.remove(ctx.canary)
    if ctx.secret in out.getvalue() or ctx.secret in err.getvalue():
        outcome.leak = True
    return outcome


FRAME = re.compile(r'^  File "(.*)", line (\d+), in (.*)$', re.M)


def from_stderr(stderr: str) -> tuple[str, str, str, str]:
    """(exception type, innermost frame, innermost paramwise frame, traceback) from --debug output."""
    start = stderr.rfind("Traceback (most recent call last):")
    trace = stderr[start:] if start >= 0 else stderr
    last = mine = ""
    for file, line, func in FRAME.findall(trace):
        where = f"{short(file)}:{line} {func}"
        last = where
        if "paramwise" in file and "/tests/" not in file:
            mine = where
    internal = re.search(r"^internal error: (\w[\w.]*)", stderr, re.M)
    exc_type = internal.group(1) if internal else "internal error"
    return exc_type, last, mine, trace[-8000:]


def run_cli(argv: list[str], ctx: Context, limit: float) -> Outcome:
    """`paramwise ARGV` through the CLI's entry point. Exit 4 is run again with --debug for its traceback."""
    from paramwise.cli import main

    outcome = run_call(lambda: main(list(argv)), ctx, limit)
    if outcome.code == "4":
        again = run_call(lambda: main([*argv, "--debug"]), ctx, limit)
        if again.code == "escaped":
            outcome.exc_type, outcome.last_frame, outcome.paramwise_frame, outcome.trace = (
                again.exc_type, again.last_frame, again.paramwise_frame, again.trace)
        else:
            outcome.exc_type, outcome.last_frame, outcome.paramwise_frame, outcome.trace = from_stderr(again.stderr)
    return outcome
