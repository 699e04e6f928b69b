"""Worker processes that read for the page: each answers one request at a time (a JSON line in, a JSON line
out), so a slow read holds one worker while the others go on answering. A worker that does not answer within
`timeout` seconds is ended; one that dies is replaced; each is replaced after `recycle` requests, so the
workers' memory stays flat however long the server runs."""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import IO, Any

WORKER_COMMAND = (sys.executable, "-m", "paramwise", "serve", "--worker")


class Worker:
    def __init__(self, command: tuple[str, ...]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=dict(os.environ),
            start_new_session=True,
        )
        self.served = 0

    @property
    def pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The worker's answer; raises TimeoutError when none comes in time, EOFError when the worker died."""
        into, out = self.pipes
        try:
            into.write(json.dumps(request).encode() + b"\n")
            into.flush()
        except (BrokenPipeError, OSError) as e:
            raise EOFError from e
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([out], [], [], min(left, 1.0))
            if ready:
                break
        line = out.readline()
        if not line.endswith(b"\n"):
            raise EOFError
        self.served += 1
        answer: dict[str, Any] = json.loads(line)
        return answer

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in self.pipes:
            pipe.close()


class WorkerPool:
    """At most `size` workers, started when first needed. `ask` blocks (call it from a thread)."""

    def __init__(self, size: int, timeout: float, command: tuple[str, ...] = WORKER_COMMAND, recycle: int = 200) -> None:
        self.size, self.timeout, self.command, self.recycle = size, timeout, command, recycle
        self.idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.all: set[Worker] = set()
        self.closed = False

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.slots:
            worker = self.take()
            keep = False
            try:
                answer = worker.ask(request, self.timeout)
                keep = worker.served < self.recycle
                return answer
            except TimeoutError:
                return failure("limit", f"this input took more than {self.timeout:g} s to read and was stopped; "
                               "it is probably not a model definition",
                               "if it is one, read it with the command: paramwise FILE (limits: PARAMWISE_TIME_LIMIT)")
            except EOFError:
                code = worker.process.wait()
                if code == 2:  # the worker's own limits ended it (limits.py: a read stuck past its limit)
                    return failure("limit", "this input needed more time or memory than a read may take and was "
                                   "stopped; it is probably not a model definition",
                                   "if it is one, read it with the command: paramwise FILE --no-limits")
                return failure("internal", f"internal error: the reading process ended unexpectedly (exit {code})",
                               "this is a bug in paramwise: please report it with the input")
            finally:
                self.give_back(worker, keep)

    def take(self) -> Worker:
        try:
            worker = self.idle.get_nowait()
            if worker.process.poll() is None:
                return worker
            self.drop(worker)
        except queue.Empty:
            pass
        worker = Worker(self.command)
        with self.lock:
            self.all.add(worker)
        return worker

    def give_back(self, worker: Worker, keep: bool) -> None:
        if keep and not self.closed and worker.process.poll() is None:
            self.idle.put(worker)
        else:
            self.drop(worker)

    def drop(self, worker: Worker) -> None:
        with self.lock:
            self.all.discard(worker)
        worker.end()

    def warm(self) -> None:
        """Start one worker ahead of the first request (the first read pays for the imports)."""
        with self.slots:
            self.give_back(self.take(), True)

    def close(self) -> None:
        self.closed = True
        with self.lock:
            workers = list(self.all)
            self.all.clear()
        for worker in workers:
            worker.end()

    def pids(self) -> list[int]:
        with self.lock:
            return [w.process.pid for w in self.all]


def failure(kind: str, message: str, hint: str) -> dict[str, Any]:
    return {"ok": False, "error": {"kind": kind, "message": message, "hint": hint, "line": None, "col": None,
                                   "source_line": None, "path": None, "text": f"error: {message}\nhint: {hint}"}}
