"""The hard backstop: time and memory limits around reading one input."""

from __future__ import annotations

import _thread
import argparse
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from ..errors import EXIT_INPUT, InputError, LimitError
from .options import shown

ENV_SECONDS, ENV_MEGABYTES = "PARAMWISE_TIME_LIMIT", "PARAMWISE_MEMORY_LIMIT"
DEFAULT_SECONDS, DEFAULT_MEGABYTES = 30.0, 2048.0
WALL = 4  # a read may take this many times its time limit in wall-clock time (a loaded machine, a stall)
GRACE = 3.0  # seconds past a limit before a read that ignores the LimitError is ended


class Limits:
    """Reading one input (the CLI's read, infer and render, on the main thread) under a time and a memory
    limit, each ending in a LimitError. Time is the process's CPU time (SIGPROF), so a busy machine does
    not fail a real model, with WALL times as much wall-clock time (SIGALRM) for a read that waits; both
    are raised again every half second until they stop the read. Memory is the growth of the process's
    data (RLIMIT_DATA: one huge allocation fails with MemoryError) and of its resident size (watched every
    50 ms). In the installed command, a read still going GRACE s past a limit (stuck in one C call, or
    swallowing the error) is ended with exit 2, and a CPU-time rlimit lets the kernel end one that even
    that cannot reach.

    The watcher is a thread of `_thread`, the module `threading` is built on: `threading.Thread.start()` waits
    until the new thread runs (0.2 ms on a quiet machine, 3 ms on a busy one) and importing `threading` costs
    about as much again, on every start, for a thread that only matters to a read that runs long."""

    hard_exit = False
    active: Limits | None = None

    def __init__(self, seconds: float, megabytes: float) -> None:
        self.seconds, self.megabytes = seconds, megabytes
        self.reason = "time"
        self.restore: list[Callable[[], None]] = []
        self.stopped = False  # set by stop(), under `lock`: no signal is sent once it has begun to put the handlers back
        self.lock = _thread.allocate_lock()
        self.running = _thread.allocate_lock()  # held while the read runs: the watcher waits on it
        self.main = 0  # the thread that reads (the main thread), which the watcher signals

    @classmethod
    def end_reading(cls) -> None:
        """Lift the limits of the read in progress (once its output starts, or when the command ends)."""
        if cls.active is not None:
            cls.active.stop()

    def start(self) -> None:
        if not (self.seconds or self.megabytes):
            return
        if not hasattr(signal, "setitimer") or not hasattr(signal, "pthread_kill"):
            return  # Windows: no signals to stop a read with
        self.started, self.cpu_started, self.base = time.monotonic(), cpu_seconds(), resident_bytes()
        try:
            self.handle(signal.SIGALRM, signal.ITIMER_REAL, self.seconds * WALL)
        except ValueError:
            return  # not the main thread (the web page's requests): only the main thread handles signals
        Limits.active = self
        self.main = _thread.get_ident()
        self.running.acquire()
        self.handle(signal.SIGPROF, signal.ITIMER_PROF, self.seconds)
        if self.megabytes:
            self.lower_rlimit("RLIMIT_DATA", data_bytes() + int(self.megabytes * 2**20))
        if self.hard_exit and self.seconds:
            self.lower_rlimit("RLIMIT_CPU", int(self.cpu_started + 2 * self.seconds + 2 * GRACE) + 1)
        _thread.start_new_thread(self.watch, ())

    def handle(self, signum: int, timer: int, seconds: float) -> None:
        previous = signal.signal(signum, self.on_alarm)
        if seconds:
            signal.setitimer(timer, seconds, 0.5)

        def disarm() -> None:
            signal.setitimer(timer, 0)
            signal.signal(signum, previous)

        self.restore.append(disarm)

    def lower_rlimit(self, which: str, value: int) -> None:
        try:
            import resource
        except ImportError:
            return
        kind = getattr(resource, which, None)
        if kind is None:
            return
        soft, hard = resource.getrlimit(kind)
        if (soft == resource.RLIM_INFINITY or soft > value) and (hard == resource.RLIM_INFINITY or hard >= value):
            resource.setrlimit(kind, (value, hard))
            self.restore.append(lambda: resource.setrlimit(kind, (soft, hard)))

    def stop(self) -> None:
        if Limits.active is self:
            Limits.active = None
        with self.lock:
            if not self.stopped and self.running.locked():
                self.running.release()
            self.stopped = True
        while self.restore:
            self.restore.pop()()

    def on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if Limits.active is self:
            raise self.error()

    def error(self) -> LimitError:
        if self.reason == "memory":
            return memory_error(self.megabytes)
        return LimitError(
            f"this input needs more than {self.seconds:g} s to read; it is probably not a model definition",
            hint=f"if it is one, allow more time: {ENV_SECONDS}=120 paramwise ... (or --no-limits)",
        )

    def watch(self) -> None:
        """Every 50 ms: memory over its limit raises the LimitError in the main thread; a read that goes on
        GRACE s past a limit ends the process (installed command only)."""
        over_since: float | None = None
        while not self.ended(0.05):
            now = time.monotonic()
            if self.megabytes and resident_bytes() - self.base > self.megabytes * 2**20:
                self.reason = "memory"
                over_since = over_since or now
                with self.lock:
                    if not self.stopped:
                        signal.pthread_kill(self.main, signal.SIGALRM)
                self.ended(0.45)
            if self.hard_exit and self.overdue(now, over_since) and not self.stopped:
                os.write(2, ("error: " + self.error().message + "\n").encode())
                os._exit(EXIT_INPUT)

    def ended(self, seconds: float) -> bool:
        """Wait up to `seconds` for the read to end (the watcher's wait); whether it has."""
        if self.running.acquire(timeout=seconds):
            self.running.release()  # left free: every later wait returns at once
            return True
        return False

    def overdue(self, now: float, over_since: float | None) -> bool:
        if over_since is not None and now - over_since > GRACE:
            return True
        wall, cpu = now - self.started, cpu_seconds() - self.cpu_started
        return bool(self.seconds) and (cpu > self.seconds + GRACE or wall > self.seconds * WALL + GRACE)


def memory_error(megabytes: float) -> LimitError:
    if not megabytes:
        return LimitError("this input needs more memory than this machine has to read; it is probably not a model definition")
    return LimitError(
        f"this input needs more than {megabytes:,.0f} MB to read; it is probably not a model definition",
        hint=f"if it is one, allow more memory: {ENV_MEGABYTES}=8192 paramwise ... (or --no-limits)",
    )


@contextmanager
def read_limits(args: argparse.Namespace) -> Iterator[None]:
    """The read in this block runs under the limits; MemoryError and RecursionError in it are the input's."""
    seconds, megabytes = (0.0, 0.0) if args.no_limits else (limit_from_env(ENV_SECONDS, DEFAULT_SECONDS),
                                                               limit_from_env(ENV_MEGABYTES, DEFAULT_MEGABYTES))
    if args.no_limits:  # the source interpreter's own time budget reads the same variable when a reading starts
        os.environ[ENV_SECONDS] = "0"
    limits = Limits(seconds, megabytes)
    limits.start()
    try:
        yield
    except MemoryError as e:
        raise memory_error(megabytes) from e
    except RecursionError as e:
        raise LimitError(
            f"this input needs more than {sys.getrecursionlimit():,} levels of nesting to read; it is probably not a model definition",
        ) from e
    finally:
        limits.stop()


def limit_from_env(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{name} must be a number >= 0 (0: no limit); got {shown(text)}")
    return value


def resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def data_bytes() -> int:
    """The process's data size (what RLIMIT_DATA counts); its resident size where /proc has no VmData."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resident_bytes()


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system
