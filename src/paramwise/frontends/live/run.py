"""`--run`: import and run the user's code in a separate process, and read the model it builds as a live object.

For code the user trusts. The process (run_worker.py) builds the model without real weights (PyTorch on the
meta device, Keras likewise, neither with training state), reads it with the same live readers as
`paramwise.summary(model)`, and sends the Graph back as JSON (run_codec.py: plain data, never a pickle). Its
counts are the framework's by construction, and each is checked against the framework's own total.

The process has a time limit (an alarm in it, and this side ends it a few seconds later if it does not answer)
and a memory limit (RLIMIT_AS). What the user's code prints reaches `echo`, never standard output. An
exception in the user's code is an InputError located at the last line of the user's own code that it passed
through. One Worker answers many requests (the tests read every case file in one process per framework).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from ...errors import Diagnostic, InputError, LimitError, Location, MissingDependency
from ...frozen import field, frozen, record, replace
from ...infer import infer
from ...ir import Graph
from ...report import Report
from .. import Found, ReadOptions
from ..target import Target, parse_target
from .run_codec import decode, encode, kind_classes

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

GRACE = 10.0  # seconds past the time limit before a worker that does not answer is ended
STARTUP = 120.0  # seconds a worker may take to import its frameworks
KERAS_WORDS = ("keras", "tensorflow")


@frozen
class RunLimits:
    seconds: float = 30.0  # wall-clock seconds for the user's code, per model read (0: none)
    megabytes: float = 2048.0  # memory the user's code may map beyond the imported frameworks (0: none)


@record
class RunResult:
    """What a run found: the models (as for a static reading), the one to show, and per model the output shapes
    of a meta forward and the framework's own counts."""

    found: list[Found]
    chosen: int
    shapes: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def report(self) -> Report:
        """The Report of the chosen model: output shapes from the forward, checked against the framework's counts."""
        found = self.found[self.chosen]
        report = infer(found.require())
        shapes = self.shapes.get(found.name) or {}
        if shapes:
            rows = tuple(replace(r, output_shape=shapes.get(r.name, r.output_shape)) for r in report.rows)
            whole = shapes.get("")
            report = replace(report, rows=rows, output_shapes=whole if isinstance(whole, list) else
                             [whole] if whole is not None else report.output_shapes)
        return checked(report, self.counts.get(found.name) or {})


def checked(report: Report, counts: dict[str, Any]) -> Report:
    """A warning where the totals or a row differ from the framework's own counts of the same object (torch: each
    module's parameters, trainable parameters and buffers; Keras: each layer's count_params()): a bug in a
    reader, never silent."""
    ours = {"total": report.total, "trainable": report.trainable, "buffers": report.buffers or 0}
    wrong = [f"{k}: paramwise {ours[k]}, the framework {v}" for k, v in counts.items() if k in ours and ours[k] != v]
    rows = {r.name: r for r in report.rows}
    for name, want in (counts.get("modules") or {}).items():
        row = rows.get(name)
        got = [row.params, row.trainable_params, row.buffers or 0] if row is not None else None
        if got != want:
            wrong.append(f"module {name}: paramwise {got}, torch {want}")
    depth0 = {r.name: r for r in report.rows if r.depth == 0}
    for name, want in (counts.get("layers") or {}).items():
        row = depth0.get(name)
        if row is None or row.params != want:
            wrong.append(f"layer {name}: paramwise {row.params if row else None}, Keras {want}")
    if not wrong:
        return report
    return replace(report, warnings=report.warnings + (Diagnostic(
        "live_mismatch", f"the rows do not add up to the framework's own counts ({'; '.join(wrong[:5])}"
        f"{f' and {len(wrong) - 5} more' if len(wrong) > 5 else ''})",
        hint="this is a bug in paramwise; please report it with the model"),))


def frameworks_for(target: Target, options: ReadOptions) -> list[str]:
    """torch always (Keras runs on its torch backend); keras too when the code mentions keras or tensorflow."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise MissingDependency("--run needs PyTorch installed: the code runs with the real framework",
                                hint="pip install torch (Keras code runs on Keras' torch backend: pip install keras torch)")
    if options.framework == "torch":
        return ["torch"]
    text = ""
    if target.path and os.path.isfile(target.path):
        with open(target.path, "rb") as f:
            text = f.read(2_000_000).decode("utf-8", "replace")
    wants_keras = options.framework == "keras" or target.module is not None or any(w in text for w in KERAS_WORDS)
    if not wants_keras:
        return ["torch"]
    if importlib.util.find_spec("keras") is None:
        if options.framework == "keras" or "import keras" in text or "from keras" in text:
            raise MissingDependency("--run needs Keras installed to run this code", hint="pip install keras torch")
        return ["torch"]
    return ["torch", "keras"]


def request_for(target: Target, options: ReadOptions, limits: RunLimits) -> dict[str, Any]:
    if target.path is not None and target.attr and os.path.isfile(os.path.join(target.path, "__init__.py")):
        target = Target(os.path.join(target.path, "__init__.py"), attr=target.attr)  # DIR:Name, DIR a package
    if target.path is not None and (target.path == "-" or not os.path.isfile(target.path)):
        what = "standard input" if target.path == "-" else "a folder" if os.path.isdir(target.path) else "missing"
        if what == "missing":
            raise InputError(f"{target.path}: no such file", hint="--run takes a .py file, file.py:Name or pkg.module:Name")
        raise InputError(f"--run cannot run {what}", hint="give a .py file, file.py:Name or pkg.module:Name")
    attr = target.attr or options.class_name
    positional, keywords = (tuple(options.class_args) + ((), {}))[:2] if options.class_args else ((), {})
    return {
        "path": os.path.abspath(target.path) if target.path else None,
        "module": target.module,
        "source": shown_path(target),
        "attr": attr,
        "model": options.model,
        "args": encode((tuple(positional), dict(keywords))),
        "input_shape": encode(options.input_shape),
        "timeout": limits.seconds,
        "cwd": os.getcwd(),
        "search": [os.path.abspath(p) for p in getattr(options, "paths", ())],
    }


def shown_path(target: Target) -> str:
    path = target.path or target.module or ""
    return os.path.dirname(path) if os.path.basename(path) == "__init__.py" else path


def read_run(text: str, options: ReadOptions, limits: RunLimits,
             echo: Callable[[str], Any] = lambda s: None) -> RunResult:
    """Run the code `text` names (a file, file.py:Name, pkg.module:Name) and read the model it builds."""
    target = parse_target(text)
    request = request_for(target, options, limits)
    with Worker(frameworks_for(target, options), limits, echo) as worker:
        return result_of(worker.ask(request), target.shown)


class Worker:
    """One worker process; `ask` sends a request and waits (within the limits) for its answer."""

    def __init__(self, frameworks: list[str], limits: RunLimits, echo: Callable[[str], Any] = lambda s: None) -> None:
        self.frameworks, self.limits, self.echo = frameworks, limits, echo
        self.proc: subprocess.Popen[bytes] | None = None
        self.buffer = b""
        self.log: Any = None
        self.logged = 0

    def __enter__(self) -> Worker:
        env = dict(os.environ)
        env["KERAS_BACKEND"] = "torch"  # Keras code is built on its torch backend, on the meta device
        env["PARAMWISE_RUN_MEGABYTES"] = str(self.limits.megabytes)
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("MALLOC_ARENA_MAX", "2")  # the memory limit counts address space: no 64 MB arena per thread
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "paramwise.frontends.live.run_worker", *self.frameworks],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env, start_new_session=True,
        )
        try:
            ready = self.answer(STARTUP if self.limits.seconds else 0, "importing the framework took")
        except BaseException:
            self.close()
            raise
        if ready.get("missing"):
            self.close()
            name = str(ready["missing"]).split(" ")[0]
            raise MissingDependency(f"--run needs {name} installed: importing it failed: {ready['missing']}",
                                    hint=f"pip install {name}")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            finally:
                if proc.stdout:
                    proc.stdout.close()
        self.relay()
        if self.log is not None:
            self.log.close()
            self.log = None

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # the worker has ended: answer() says why
        seconds = float(request.get("timeout") or 0)
        return self.answer(seconds + GRACE if seconds else 0)

    def answer(self, seconds: float, late: str = "the code ran") -> dict[str, Any]:
        """The worker's next line, within `seconds` (0: no limit); ends the worker when it does not come."""
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + seconds if seconds else None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    self.kill()
                    raise LimitError(f"{late} more than {seconds:g} s and did not stop",
                                     hint="allow more time with --run-timeout SECONDS (0: none)")
                if not sel.select(timeout=min(wait, 0.5) if wait is not None else 0.5):
                    self.relay()
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    self.relay()
                    code = self.proc.wait()
                    raise self.ended(code)
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        self.relay()
        answer = json.loads(line)
        if not isinstance(answer, dict):
            raise RuntimeError("the --run worker answered something that is not a JSON object")
        return answer

    def ended(self, code: int) -> Exception:
        import signal

        if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, 137) or code < 0:
            return LimitError(f"the code's process was ended by signal {-code if code < 0 else code} (out of "
                              f"memory? the limit is {self.limits.megabytes:,.0f} MB beyond the framework)",
                              hint="allow more with PARAMWISE_MEMORY_LIMIT=8192 (MB) or --no-limits")
        return InputError(f"the code's process ended (exit status {code}) before it answered",
                          hint="the code may call os._exit(); standard error above says more")

    def kill(self) -> None:
        import signal

        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.proc.wait()

    def relay(self) -> None:
        """What the user's code wrote to its standard output and error since the last call, to `echo`."""
        if self.log is None:
            return
        self.log.seek(self.logged)
        data = self.log.read()
        self.logged += len(data)
        if data:
            self.echo(data.decode("utf-8", "replace"))


def result_of(answer: dict[str, Any], shown: str) -> RunResult:
    if not answer.get("ok"):
        raise failure(answer.get("error") or {}, shown)
    classes = kind_classes()
    found: list[Found] = []
    shapes: dict[str, Any] = {}
    counts: dict[str, dict[str, Any]] = {}
    for item in answer.get("found") or []:
        name = str(item.get("name"))
        if "graph" not in item:
            error = item.get("error") or {}
            found.append(Found(name, None, InputError(str(error.get("message")), hint=str(error.get("hint") or ""))))
            continue
        graph = decode(item["graph"], classes)
        if not isinstance(graph, Graph):
            raise InputError("--run sent something that is not a model (a malformed reply)")
        found.append(Found(name, graph))
        shapes[name] = decode(item.get("shapes"), classes) or {}
        counts[name] = dict(item.get("counts") or {})
    if not found:
        raise InputError(f"{shown}: the code builds no model", hint="name what builds it: file.py:ClassName")
    return RunResult(found, int(answer.get("chosen") or 0), shapes, counts)


def near(path: str) -> str:
    """A file of the user's as they would write it: relative to the current folder when it is under it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative


def failure(error: dict[str, Any], shown: str) -> Exception:
    kind, message = error.get("kind"), str(error.get("message") or "")
    if kind == "user":
        frames = [[near(str(f[0])), *f[1:]] for f in error.get("frames") or [] if isinstance(f, list) and len(f) == 4]
        location = Location(str(frames[-1][0]), int(frames[-1][1]), 1, str(frames[-1][3])) if frames else None
        trace = "".join(f"\n  {f[0]}:{f[1]}: in {f[2]}" for f in frames[:-1])
        raised = error.get("raised_in")
        inside = f" (raised inside {os.path.basename(str(raised[0]))}:{raised[1]})" if raised and frames and \
            [near(str(raised[0])), raised[1]] != frames[-1][:2] else ""
        text = f"running {shown} raised {message}{inside}" + (f"\n  the code's traceback, last frames:{trace}" if trace else "")
        missing = str(error.get("missing") or "")
        if missing:
            return MissingDependency(text, location=location, hint=f"the code imports {missing}, which is not installed "
                                     f"here: pip install {missing} (or the package that provides it)")
        return InputError(
            text, location=location,
            hint="the error is in the code that ran (--run imports the file and builds the model as Python does); "
                 "fix it, or drop --run to read the file without running it",
        )
    if kind in ("timeout", "memory"):
        hint = ("allow more time with --run-timeout SECONDS (0: none)" if kind == "timeout" else
                "allow more with PARAMWISE_MEMORY_LIMIT=8192 (MB) or --no-limits")
        return LimitError(f"running {shown}: {message}", hint=hint)
    if kind == "refused":
        return InputError(message, hint=str(error.get("hint") or ""))
    return RuntimeError(f"the --run worker failed: {message}\n{error.get('trace', '')}")
