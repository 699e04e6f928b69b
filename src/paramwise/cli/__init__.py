"""The `paramwise` command."""

from __future__ import annotations

import argparse
import codecs
import importlib
import json
import keyword
import math
import os
import re
import signal
import sys
import threading
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO

from . import __version__
from .convert import FRAMEWORK_NAMES, OTHER, convert_report, render_conversion
from .errors import Diagnostic, InputError, LimitError, ParamwiseError
from .formula import symbol
from .frontends import Found, ReadOptions, read_path
from .infer import infer
from .ir import Graph
from .pitfalls import with_pitfalls
from .render import View
from .render.json import render_json
from .render.markdown import render_markdown
from .render.table import render_text
from .report import Report
from .symbolic import read_symbolic, render_symbolic, symbolic_json
from .symbolic import summarize as summarize_symbolic

EXIT_OK, EXIT_CHECK_FAILED, EXIT_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL = 0, 1, 2, 3, 4
SUBCOMMANDS = {"check": "paramwise.check_cli"}

DESCRIPTION = """\
Count and explain a neural network's parameters, layer by layer, without running it.

Reads Keras and PyTorch source (parsed, never executed), Keras .keras/.json/.h5 files,
PyTorch checkpoints, safetensors, ONNX and Hugging Face config.json. Shows each layer's
output shape, its count and the arithmetic behind it: (3*3*3 + 1)*32 = 896.
"""

EPILOG = """\
examples:
  paramwise examples/mnist_cnn.py                 table, arithmetic and totals
  paramwise model.py --format json                the versioned JSON form
  paramwise pasted.txt --set img_SIZE=32          bind a size the code leaves undefined
  paramwise - < pasted.txt                        read code from standard input
  paramwise model.py --list                       every model the file builds
  paramwise net.py --input-shape 1,3,224,224      PyTorch source, with output shapes
  paramwise model.keras                           a Keras file (.keras, to_json() .json, .h5)
  paramwise model.safetensors                     a checkpoint, from its header alone
  paramwise check model.py --claim-total 541988   check a hand count (see: paramwise check -h)

exit codes: 0 ok, 1 a checked claim is wrong, 2 bad input, 3 a needed package is missing,
4 internal error (please report it, with --debug output)

limits: reading one input stops after PARAMWISE_TIME_LIMIT seconds (default 30) or when it needs more
than PARAMWISE_MEMORY_LIMIT MB (default 2048); 0 or --no-limits turns them off.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="paramwise", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("path", help="model file (.py, .keras, .json, .h5, .safetensors, .pt, .onnx ...) or - for stdin")
    add_common_arguments(p)
    p.add_argument("--format", choices=["table", "json", "markdown"], default="table", help="output form (default: table)")
    p.add_argument("--list", action="store_true", help="list every model found in the input, with its total")
    p.add_argument("--explain", action="store_true", help="per layer: the formula in letters and why the weights exist")
    p.add_argument("--as", dest="as_framework", choices=["keras", "torch"], help="count the same layers in this framework's conventions")
    p.add_argument("--symbolic", metavar="NAME[,NAME]", nargs="?", const="", help="the count as a formula in these names (none: every free name)")
    p.add_argument("--depth", type=int, default=None, help="show nested rows down to this depth (0: top level only)")
    p.add_argument("--expand", action="store_true", help="open every nested model (same as a large --depth)")
    p.add_argument("--width", type=table_width, default=None, help="table width in characters (40 to 10000)")
    p.add_argument("--version", action="version", version=f"paramwise {__version__}")
    return p


def table_width(text: str) -> int:
    if not INTEGER.fullmatch(text.strip()) or not 40 <= int(text) <= 10000:
        raise argparse.ArgumentTypeError(f"a table width is a whole number from 40 to 10000; got {shown(text)}")
    return int(text)


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="NAME", help="which model to show when the input builds several")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], help="bind a name the code leaves undefined")
    p.add_argument("--input-shape", metavar="SHAPE", help="input shape, e.g. 1,3,224,224 (PyTorch) or 28,28,1 (Keras)")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="PyTorch: the nn.Module class to build")
    p.add_argument("--args", metavar="ARGS", default="", help="PyTorch: constructor arguments for --class, e.g. 10,depth=3")
    p.add_argument("--framework", choices=["keras", "torch"], help="read .py source as this framework (default: detect)")
    p.add_argument("--debug", action="store_true", help="show tracebacks (the exit code stays the same)")
    p.add_argument("--quiet", action="store_true", help="do not print warnings")
    p.add_argument("--no-limits", action="store_true", help="read without the time and memory limits (a huge real model)")


INTEGER = re.compile(r"[+-]?[0-9][0-9_]{0,99}")
DECIMAL = re.compile(r"[+-]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9]{1,4})?")
CONSTANTS = {"True": True, "False": False, "None": None}
VALUE_HINT = "a value is a whole number (32), a number (0.5), True, False, None, a word (relu) or a quoted string (\"'a b'\")"


def parse_value(text: str, option: str = "--set") -> Any:
    """A value given on the command line: a number, True/False/None, a quoted string or a bare word
    (`--set act=relu`); nothing else."""
    t = text.strip()
    if t in CONSTANTS:
        return CONSTANTS[t]
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    if t.isidentifier() and t.lower().lstrip("+-") not in ("nan", "inf", "infinity"):
        return t
    try:
        if INTEGER.fullmatch(t):
            return int(t)
        if DECIMAL.fullmatch(t) and math.isfinite(number := float(t)):
            return number
    except ValueError:
        pass
    raise InputError(f"{option}: {shown(text)} is not a value paramwise can bind", hint=VALUE_HINT)


def parse_name(text: str, option: str) -> str:
    name = text.strip()
    if not name.isidentifier() or keyword.iskeyword(name):
        raise InputError(f"{option}: {shown(name)} is not a Python name", hint="a name is letters, digits and _, e.g. img_size")
    return name


def shown(text: str, keep: int = 60) -> str:
    """User text as a message quotes it: repr, cut to `keep` characters."""
    return repr(text) if len(text) <= keep else repr(text[:keep]) + f"... ({len(text):,} characters)"


def parse_shape(text: str | None) -> tuple[Any, ...] | None:
    """`--input-shape 1,3,224,224`: whole sizes >= 1, None (or ?) for any size, names for symbolic sizes."""
    if not text:
        return None
    parts = text.strip().strip("()[] ").split(",")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing comma, as in a Python tuple
    return tuple(parse_size(part, text) for part in parts)


def parse_size(part: str, text: str) -> Any:
    t = part.strip()
    if t in ("None", "?", ""):
        return None
    if INTEGER.fullmatch(t) and int(t) >= 1:
        return int(t)
    if t.isidentifier() and not keyword.iskeyword(t):
        return symbol(t)
    raise InputError(
        f"--input-shape {shown(text)}: {shown(t)} is not a size",
        hint="sizes are whole numbers >= 1, None for any size, or names for symbolic sizes: 1,3,224,224 or 1,3,H,W",
    )


def read_options(args: argparse.Namespace) -> ReadOptions:
    bindings = {}
    for item in args.set:
        if "=" not in item:
            raise InputError(f"--set needs NAME=VALUE; got {shown(item)}", hint="e.g. --set img_SIZE=32")
        name, value = item.split("=", 1)
        bindings[parse_name(name, f"--set {item}")] = parse_value(value, f"--set {item}")
    positional, keywords = [], {}
    for part in filter(None, (a.strip() for a in args.args.split(","))):
        if "=" in part:
            k, v = part.split("=", 1)
            keywords[parse_name(k, f"--args {args.args}")] = parse_value(v, f"--args {args.args}")
        else:
            positional.append(parse_value(part, f"--args {args.args}"))
    return ReadOptions(
        model=args.model, bindings=bindings, input_shape=parse_shape(args.input_shape), class_name=args.class_name,
        class_args=(tuple(positional), keywords), framework=args.framework,
    )


def read_model(args: argparse.Namespace) -> tuple[Graph, list[Found]]:
    """The graph of the model the arguments name, and every model found in the input."""
    found, chosen = read_path(args.path, read_options(args))
    return found[chosen].require(), found


def load_report(args: argparse.Namespace) -> tuple[Report, list[Found]]:
    graph, found = read_model(args)
    return infer(graph), found


def load(args: argparse.Namespace) -> tuple[Graph, Report]:
    """Read the model the arguments name: its graph (kinds and all) and its Report."""
    graph, _ = read_model(args)
    return graph, infer(graph)


def print_warnings(warnings: Sequence[Diagnostic], quiet: bool) -> None:
    if quiet:
        return
    for w in warnings:
        print(w.render(), file=sys.stderr)


def render(report: Report, fmt: str, view: View) -> str:
    if fmt == "json":
        return render_json(report, view)
    if fmt == "markdown":
        return render_markdown(report, view)
    return render_text(report, view, color=sys.stdout.isatty())


def list_models(found: list[Found]) -> str:
    lines = []
    for f in found:
        if f.graph is None:
            lines.append(f"{f.name}: not built ({f.error.message if f.error else 'no input shape'})")
            continue
        report = infer(f.graph)
        total = report.total if isinstance(report.total, int) else str(report.total)
        total_text = f"{total:,}" if isinstance(total, int) else total
        lines.append(f"{f.name}: {f.graph.meta.get('model_type', f.graph.framework)} '{f.graph.name}', {total_text} parameters")
    return "\n".join(lines) + "\n"


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    with read_limits(args):
        return summarize(args)


def summarize(args: argparse.Namespace) -> int:
    if args.symbolic is not None:
        return run_symbolic(args)
    if args.as_framework:
        return run_as(args)
    report, found = load_report(args)
    if args.list:
        sys.stdout.write(list_models(found))
        return EXIT_OK
    view = View(depth=None if args.expand else (args.depth if args.depth is not None else 0), explain=args.explain, width=args.width)
    report = with_pitfalls(report)
    sys.stdout.write(render(report, args.format, view))
    sys.stdout.flush()
    print_warnings(report.warnings, args.quiet)
    return EXIT_OK


def run_symbolic(args: argparse.Namespace) -> int:
    """The `--symbolic` view of the summary command."""
    names = [n.strip() for n in args.symbolic.split(",") if n.strip()]
    report = read_symbolic(args.path, names, read_options(args))
    summary = summarize_symbolic(report, names)
    if args.format == "json":
        sys.stdout.write(json.dumps(symbolic_json(summary), indent=2) + "\n")
    else:
        sys.stdout.write(render_symbolic(summary))
    print_warnings(report.warnings, args.quiet)
    return EXIT_OK


def run_as(args: argparse.Namespace) -> int:
    """The `--as keras|torch` view of the summary command."""
    graph, report = load(args)
    if args.as_framework == report.framework:
        raise ParamwiseError(
            f"the model is already read as {FRAMEWORK_NAMES[report.framework]}",
            hint=f"--as {OTHER[report.framework]} counts it in the other framework's conventions",
        )
    sys.stdout.write(render_conversion(report, convert_report(graph, report)))
    print_warnings(report.warnings, args.quiet)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """The `paramwise` command. Called without `argv` (the installed command, `python -m paramwise`), a read
    stuck past its time limit where no exception can stop it ends the process (exit 2)."""
    Limits.hard_exit = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Output(out, strict=True), Output(err, strict=False)
    try:
        if out is None:
            raise OutputError("standard output is closed")
        code = dispatch(argv)
        sys.stdout.flush()
        return code
    except SystemExit:  # argparse: --help, --version, a bad option
        finish_output(out)
        raise
    except OutputError as e:
        silence(out)
        return report_error(e, debug)
    except ParamwiseError as e:
        return report_error(e, debug)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in paramwise: say so plainly
        if debug:
            traceback.print_exc()
        text = f"{type(e).__name__}: {message_of(e)}"
        print(f"internal error: {text[:2000]}\nhint: rerun with --debug and report the traceback", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        Limits.end_reading()
        sys.stdout, sys.stderr = out, err


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        module = importlib.import_module(SUBCOMMANDS[argv[0]])
        code: int = module.run(argv[1:])
        return code
    return run(argv)


def message_of(e: BaseException) -> str:
    try:
        return str(e)
    except Exception:  # an exception whose text cannot be made (a huge int in it, a broken __str__)
        return ""


def report_error(e: ParamwiseError, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(e.render(), file=sys.stderr)
    return e.exit_code


# ---- output: plain characters where the stream cannot encode ours, and write errors as the user's

PLAIN = {
    "×": "x", "·": "*", "→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "≈": "~", "±": "+-", "²": "^2",
    "³": "^3", "ᵀ": "^T", "•": "*", "…": "...", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"',
    "′": "'", "″": '"', "−": "-", "–": "-", "—": "-", "∞": "inf", "\u00a0": " ",
}


def plain(char: str) -> str:
    """An ASCII stand-in for a character the output cannot encode."""
    if char in PLAIN:
        return PLAIN[char]
    if "\u2500" <= char <= "\u257f":  # box drawing: rich's table lines
        name = unicodedata.name(char, "")
        return "+" if " AND " in name else "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "?"


def plain_characters(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(plain(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error("paramwise-plain", plain_characters)


class OutputError(ParamwiseError):
    """Standard output cannot be written (a full disk, a closed stream, a reader that went away)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"cannot write the output: {reason}")


class Output:
    """sys.stdout or sys.stderr while the command runs. Characters the stream's encoding lacks become plain
    ones (x for ×); on stdout the first write ends the guarded read, and a failed write is an OutputError
    (stderr's failures are dropped: there is nowhere left to say them)."""

    def __init__(self, stream: TextIO | None, strict: bool) -> None:
        self.stream, self.strict = stream, strict
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            self.plain = codecs.lookup(encoding).name not in ("utf-8", "utf-16", "utf-32")
        except LookupError:
            self.plain = True
        self.target = encoding if self.plain and encoding else "ascii"

    def write(self, text: str) -> int:
        if self.strict:
            Limits.end_reading()
        if self.plain:
            try:
                text = text.encode(self.target, "paramwise-plain").decode(self.target)
            except (LookupError, UnicodeError):
                text = text.encode("ascii", "paramwise-plain").decode("ascii")
        self.call("write", text)
        return len(text)

    def flush(self) -> None:
        self.call("flush")

    def isatty(self) -> bool:
        try:
            return bool(self.stream is not None and self.stream.isatty())
        except (OSError, ValueError):
            return False

    def call(self, method: str, *args: Any) -> None:
        if self.stream is None:
            if self.strict:
                raise OutputError("standard output is closed")
            return
        try:
            getattr(self.stream, method)(*args)
        except (OSError, ValueError) as e:
            if self.strict:
                raise OutputError(describe(e)) from e

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def describe(error: Exception) -> str:
    if isinstance(error, BrokenPipeError):
        return "the program reading it stopped (broken pipe)"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def finish_output(out: TextIO | None) -> None:
    """Flush what argparse printed; a failure is said once, and the interpreter's own flush at exit is quiet."""
    try:
        sys.stdout.flush()
    except OutputError as e:
        silence(out)
        print(e.render(), file=sys.stderr)
        raise SystemExit(EXIT_INPUT) from None


def silence(out: TextIO | None) -> None:
    """Point the real stdout at the null device, so the interpreter's flush at exit has nothing to fail on
    (what the Python docs advise for SIGPIPE)."""
    try:
        fd = out.fileno() if out is not None else -1
    except (OSError, ValueError, AttributeError):
        return
    if fd >= 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


# ---- the hard backstop: time and memory limits around reading one input

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
    that cannot reach."""

    hard_exit = False
    active: Limits | None = None

    def __init__(self, seconds: float, megabytes: float) -> None:
        self.seconds, self.megabytes = seconds, megabytes
        self.reason = "time"
        self.restore: list[Callable[[], None]] = []
        self.done = threading.Event()
        self.lock = threading.Lock()  # no signal is sent once stop() has begun to put the handlers back

    @classmethod
    def end_reading(cls) -> None:
        """Lift the limits of the read in progress (once its output starts, or when the command ends)."""
        if cls.active is not None:
            cls.active.stop()

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread() or not (self.seconds or self.megabytes):
            return
        if not hasattr(signal, "setitimer") or not hasattr(signal, "pthread_kill"):
            return  # Windows: no signals to stop a read with
        Limits.active = self
        self.started, self.cpu_started, self.base = time.monotonic(), cpu_seconds(), resident_bytes()
        self.handle(signal.SIGALRM, signal.ITIMER_REAL, self.seconds * WALL)
        self.handle(signal.SIGPROF, signal.ITIMER_PROF, self.seconds)
        if self.megabytes:
            self.lower_rlimit("RLIMIT_DATA", data_bytes() + int(self.megabytes * 2**20))
        if self.hard_exit and self.seconds:
            self.lower_rlimit("RLIMIT_CPU", int(self.cpu_started + 2 * self.seconds + 2 * GRACE) + 1)
        threading.Thread(target=self.watch, name="paramwise-limits", daemon=True).start()

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
            self.done.set()
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
        while not self.done.wait(0.05):
            now = time.monotonic()
            if self.megabytes and resident_bytes() - self.base > self.megabytes * 2**20:
                self.reason = "memory"
                over_since = over_since or now
                with self.lock:
                    if not self.done.is_set():
                        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGALRM)
                self.done.wait(0.45)
            if self.hard_exit and self.overdue(now, over_since) and not self.done.is_set():
                os.write(2, ("error: " + self.error().message + "\n").encode())
                os._exit(EXIT_INPUT)

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


if __name__ == "__main__":
    sys.exit(main())
