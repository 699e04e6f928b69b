"""`paramwise serve`: a local web page to paste code or drop a file and see (and check) the count.

The page (web/) never reads an input itself: each read goes to a worker process, `paramwise serve --worker`,
which this module also holds. A worker reads one request (a JSON line) at a time from stdin, reads the input
as the CLI does (static reading only, never --run) under the CLI's time and memory limits (limits.py), and
answers one JSON line: the report (the `--format json` form) or an error with its line, column and hint.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import sys
from collections.abc import Iterator

from ..cost import Settings, with_cost
from ..errors import EXIT_OK, InputError, LimitError, MissingDependency, ParamwiseError, require
from ..frontends import Found, read_path
from ..infer import infer
from ..ir import Graph
from ..render import View
from ..render.check import render_text as check_text
from ..render.check import to_json as check_json
from ..render.folding import fold_repeats
from ..render.markdown import render_markdown
from ..report import Report
from ..teach.check import check, parse_claims
from ..teach.pitfalls import with_pitfalls
from .limits import (
    DEFAULT_MEGABYTES,
    DEFAULT_SECONDS,
    ENV_MEGABYTES,
    ENV_SECONDS,
    GRACE,
    WALL,
    limit_from_env,
    read_limits,
)
from .options import HelpFormatter, add_common_arguments, read_options

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

DEFAULT_PORT = 8000
DEFAULT_UPLOAD_MB = 10

EPILOG = f"""\
examples:
  paramwise serve                       http://127.0.0.1:{DEFAULT_PORT}/
  paramwise serve --port 8080 --workers 2

The page reads what it is given statically (never runs it), each read in a worker process under the
same limits as the command (PARAMWISE_TIME_LIMIT, PARAMWISE_MEMORY_LIMIT). Requests are limited to
--max-upload MB; a .safetensors file sends only its header from the browser.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="paramwise serve", description="A local web page: paste code or drop a model "
                                "file, see and check its parameter count.", epilog=EPILOG,
                                formatter_class=HelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--workers", type=worker_count, default=min(4, os.cpu_count() or 1),
                   help="reads that may run at once, each in its own process (default: up to 4)")
    p.add_argument("--max-upload", type=megabytes, default=DEFAULT_UPLOAD_MB, metavar="MB",
                   help=f"largest request in MB (default: {DEFAULT_UPLOAD_MB})")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return p


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535; got {text!r:.40}")
    return int(text)


def worker_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"workers is a whole number from 1 to 64; got {text!r:.40}")
    return int(text)


def megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 4096:
        raise argparse.ArgumentTypeError(f"--max-upload is a number of MB above 0 and at most 4096; got {text!r:.40}")
    return value


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.worker:
        return serve_worker()
    require("starlette", "web")
    require("uvicorn", "web")
    import uvicorn

    from ..web.app import create_app

    seconds = limit_from_env(ENV_SECONDS, DEFAULT_SECONDS)
    limit_from_env(ENV_MEGABYTES, DEFAULT_MEGABYTES)  # a bad value is said now, not on the first read
    timeout = seconds * WALL + 2 * GRACE + 5 if seconds else 24 * 3600.0  # the workers' own limits end a read first
    loopback = args.host in LOOPBACK
    app = create_app(workers=args.workers, max_bytes=int(args.max_upload * 2**20), timeout=timeout,
                     allowed_hosts=LOOPBACK if loopback else None)
    sock = listen(args.host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"paramwise: serving http://{shown_host}:{port}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    if not loopback:
        print(f"paramwise: listening on {args.host}: other machines can reach this page", file=sys.stderr, flush=True)
    server = quiet_server(uvicorn, uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])
    return 128 + server.stopped_by if server.stopped_by else EXIT_OK  # 130 after Ctrl+C, 143 after SIGTERM


def quiet_server(uvicorn: Any, config: Any) -> Any:
    """uvicorn's Server, stopped by Ctrl+C or SIGTERM without a traceback. uvicorn shuts down gracefully, then
    raises the signal again inside its event loop, which can cancel the app's lifespan task while it waits and log
    that as an error with a traceback (a known uvicorn race, encode/uvicorn#1579). Here the shutdown is the same,
    and the command exits 128 + the signal's number itself instead of the signal being raised again."""

    class Quiet(uvicorn.Server):  # type: ignore[misc]
        stopped_by = 0  # the signal that stopped it

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                yield
                self.stopped_by = int(self._captured_signals[-1]) if self._captured_signals else 0
                self._captured_signals.clear()

    return Quiet(config)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0: a free one), or an InputError that says why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as e:
        raise InputError(f"--host {host}: not an address this machine can listen on ({e.strerror or e})",
                         hint="e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)") from e
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}",
                         hint=f"another program may use port {port}: try --port {port + 1 if port else 8001}, "
                              "or --port 0 for any free port") from e
    sock.set_inheritable(True)
    return sock


# -- the worker ---------------------------------------------------------------------------------------------------


def serve_worker() -> int:
    """Answer requests, one JSON line each, until stdin ends. Anything the reading prints goes to stderr."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    while True:
        line = requests.readline()
        if not line:
            return EXIT_OK
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        text = json.dumps(answer(request) if isinstance(request, dict) else internal("a request that is not JSON"))
        if isinstance(request, dict):
            text = shown_names(text, request)
        channel.write(text + "\n")
        channel.flush()


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """One request: {"op": "read" | "check", "path": FILE or "-" with "text", "options": {...}, "claims", "mode"}."""
    try:
        args = worker_args(request)
        with read_limits(args):
            graph, found, chosen = read_graph(args, request.get("text"))
            if request.get("op") == "check":
                return {"ok": True, **check_answer(graph, request)}
            return {"ok": True, **read_answer(graph, found, chosen)}
    except ParamwiseError as e:
        return {"ok": False, "error": error_json(e)}
    except Exception as e:  # a bug in paramwise: said plainly, as the command says it
        return internal(f"{type(e).__name__}: {str(e)[:2000]}")


def worker_args(request: dict[str, Any]) -> argparse.Namespace:
    """The request's options as the command's own arguments (checked the same way)."""
    p = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    p.add_argument("path")
    add_common_arguments(p)
    argv = [str(request.get("path") or "-")]
    options = request.get("options") or {}
    for name in ("model", "input_shape", "class", "args", "framework"):
        value = options.get(name)
        if isinstance(value, str) and value.strip():
            argv.append(f"--{name.replace('_', '-')}={value.strip()}")
    sets = options.get("set") or []
    for item in sets if isinstance(sets, list) else []:
        if isinstance(item, str) and item.strip():
            argv.append(f"--set={item.strip()}")
    if options.get("framework") not in (None, "", "keras", "torch"):
        raise InputError(f"framework must be keras or torch; got {str(options['framework'])[:40]!r}")
    try:
        args = p.parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as e:
        raise InputError(f"an option of this request is not one paramwise takes: {e}") from None
    return args


def read_graph(args: argparse.Namespace, text: str | None) -> tuple[Graph, list[Found], int]:
    """The graph of the model the request names: pasted text is read as `paramwise -` reads standard input."""
    found, chosen = read_path(args.path, read_options(args), stdin_text=text if args.path == "-" else None)
    return found[chosen].require(), found, chosen


def read_answer(graph: Graph, found: list[Found], chosen: int) -> dict[str, Any]:
    report = with_cost(with_pitfalls(infer(graph)), Settings())
    depth = report.meta.get("depth", 0)
    return {
        "report": report.to_json(),
        "rows": shown_rows(report),
        "depth": depth,
        "markdown": render_markdown(report, View(depth=depth)),
        "models": [f.name for f in found],
        "chosen": found[chosen].name,
    }


FOLDED = re.compile(r"(.*\.\d+)-\d+ \(×\d+\)")


def shown_rows(report: Report) -> list[dict[str, Any]]:
    """Every row, runs of identical numbered blocks folded (as the table folds a Hugging Face model's: the page
    folds them for every model, since nested rows start closed); the rows under a folded block's first copy
    hang under the folded row."""
    rows = fold_repeats(list(report.rows))
    renamed: dict[str, str] = {}
    out = []
    for row in rows:
        data = row.to_json()
        match = FOLDED.fullmatch(row.name)
        if match:
            renamed[match.group(1)] = row.name
            data["folded"] = True
        parent = data["parent"]
        if parent in renamed:
            data["parent"] = renamed[parent]
        out.append(data)
    return out


def check_answer(graph: Graph, request: dict[str, Any]) -> dict[str, Any]:
    mode = request.get("mode") or "layers"
    if mode not in ("layers", "running", "total"):
        raise InputError(f"a check is of layers, running totals or a total; got {str(mode)[:40]!r}")
    claims = parse_claims(str(request.get("claims") or ""))
    if mode == "total" and len(claims) != 1:
        raise InputError(f"a total is one number; got {len(claims)}", hint="check per layer for several numbers")
    diagnosis = check(graph, infer(graph), claims, mode)
    return {"check": check_json(diagnosis), "text": check_text(diagnosis, "pasted code")}


def error_json(e: ParamwiseError) -> dict[str, Any]:
    loc = e.location
    kind = "limit" if isinstance(e, LimitError) else "dependency" if isinstance(e, MissingDependency) else "input"
    return {
        "kind": kind, "message": e.message, "hint": e.hint or None,
        "line": loc.line if loc and loc.line else None, "col": loc.col if loc and loc.line else None,
        "source_line": loc.source_line if loc and loc.source_line else None,
        "path": loc.path if loc and loc.path else None, "text": e.render(),
    }


def internal(text: str) -> dict[str, Any]:
    return {"ok": False, "error": {
        "kind": "internal", "message": f"internal error: {text}", "line": None, "col": None, "source_line": None,
        "path": None, "hint": "this is a bug in paramwise: please report it with the input", "text": f"internal error: {text}",
    }}


def shown_names(text: str, request: dict[str, Any]) -> str:
    """The answer with the worker's file names (a temporary file, <stdin>) given as the user named the input."""
    name = str(request.get("name") or "pasted code")
    path = str(request.get("path") or "-")
    wire = json.dumps(name)[1:-1]
    if path != "-":
        text = text.replace(json.dumps(path)[1:-1], wire)
        return text.replace(json.dumps(os.path.dirname(path) + os.sep)[1:-1], "")
    return text.replace("<stdin>", wire)
