"""The ASGI app behind `paramwise serve`: the page (static/, shipped in the package) and its API.

POST /api/read   the body is the pasted text (no `name`) or a file's bytes (`?name=model.keras`); the query
                 carries the options the command takes (model, input_shape, class, args, framework, set).
                 `size=` says how large the file was when the page sent only its header (.safetensors, .gguf).
POST /api/check  the same, with `claims=` (numbers) and `mode=` (layers, running, total): `paramwise check`.
Both answer JSON: {"ok": true, "report": <the --format json report>, ...} or {"ok": false, "error": {"message",
"line", "col", "hint", ...}} with status 422; a request over the size limit is 413, a malformed one 400.
Every read happens in a worker process (pool.py); this process never reads an input.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from .pool import WORKER_COMMAND, WorkerPool

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_TIMEOUT = 130.0  # the CLI's default time limit (30 s) times its wall-clock allowance (4), and a margin
MAX_DECLARED_SIZE = 2**44  # a header-only upload may say its file was up to 16 TiB
OPTIONS = ("model", "input_shape", "class", "args", "framework")
# the page loads only its own files and talks only to this server
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(Exception):
    pass


def create_app(workers: int = 2, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT,
               command: tuple[str, ...] = WORKER_COMMAND, allowed_hosts: tuple[str, ...] | None = None) -> Starlette:
    """The app. `allowed_hosts`: the host names a request may be addressed to (None: any); a server on the
    loopback answers only requests for the loopback, so a web page elsewhere cannot reach it by DNS rebinding."""
    pool = WorkerPool(workers, timeout, command)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(pool.warm)
        try:
            yield
        finally:
            pool.close()

    limiters: dict[int, anyio.CapacityLimiter] = {}

    async def in_thread(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """A read waits for a worker without holding a thread: as many threads as workers carry the reads."""
        key = id(asyncio.get_running_loop())
        if key not in limiters:
            limiters.clear()
            limiters[key] = anyio.CapacityLimiter(workers)
        result: dict[str, Any] = await anyio.to_thread.run_sync(partial(function, *args), limiter=limiters[key])
        return result

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache", "Content-Security-Policy": CSP})

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "version": __version__, "max_bytes": max_bytes, "workers": pool.pids()})

    async def read(request: Request) -> Response:
        return await reading(request, "read")

    async def check(request: Request) -> Response:
        return await reading(request, "check")

    async def reading(request: Request, op: str) -> Response:
        try:
            body = await read_body(request, max_bytes)
        except TooLarge:
            return error_response(413, "too_large", f"the request is larger than {max_bytes / 2**20:g} MB, the limit "
                                  "of this server", "read a large file with the command (paramwise FILE), or start the "
                                  "server with a larger --max-upload")
        query = request.query_params
        job: dict[str, Any] = {"op": op, "options": {k: query[k] for k in OPTIONS if k in query}}
        job["options"]["set"] = [line for item in query.getlist("set") for line in item.splitlines()]
        if op == "check":
            job["claims"], job["mode"] = query.get("claims", ""), query.get("mode", "layers")
        name = query.get("name")
        try:
            size = int(query.get("size", "0") or 0)
        except ValueError:
            size = -1
        if not 0 <= size <= MAX_DECLARED_SIZE:
            return error_response(400, "bad_request", "size= must be a file size in bytes", "")
        if name is None:
            job.update(path="-", name="pasted code", text=body.decode("utf-8", "replace"))
            answer = await in_thread(pool.ask, job)
        else:
            answer = await in_thread(read_file, pool, job, name, body, size)
        return JSONResponse(answer, status_code=200 if answer.get("ok") else 422)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return error_response(status, "http", f"{request.method} {request.url.path}: {getattr(exc, 'detail', 'error')}", "")

    async def server_error(request: Request, exc: Exception) -> Response:
        return error_response(500, "internal", f"internal error: {type(exc).__name__}",
                              "this is a bug in paramwise: please report it")

    routes = [
        Route("/", index),
        Route("/api/health", health),
        Route("/api/read", read, methods=["POST"]),
        Route("/api/check", check, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(HostCheck, hosts=allowed_hosts)] if allowed_hosts is not None else []
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                    exception_handlers={HTTPException: not_found, Exception: server_error})
    app.state.pool = pool
    return app


class HostCheck:
    """Refuse (400, JSON) a request whose Host header names a host not in `hosts`."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host", "")
            name = host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
            if name not in self.hosts:
                response = error_response(400, "bad_host", f"this server answers requests for {', '.join(self.hosts)} "
                                          f"only; got {host[:100]!r}", "open the page at http://127.0.0.1:PORT/")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def read_file(pool: WorkerPool, job: dict[str, Any], name: str, body: bytes, size: int) -> dict[str, Any]:
    """Write the upload to a temporary file (a header-only upload made as large as its file was, sparse: the
    readers see the size the header describes) and have a worker read it."""
    folder = tempfile.mkdtemp(prefix="paramwise-web-")
    try:
        base = SAFE_NAME.sub("_", os.path.basename(name.replace("\\", "/")))[-100:].lstrip(".") or "upload"
        path = os.path.join(folder, base)
        with open(path, "wb") as f:
            f.write(body)
            if size > len(body):
                f.truncate(size)
        job.update(path=path, name=os.path.basename(name)[-200:] or "upload")
        return pool.ask(job)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def error_response(status: int, kind: str, message: str, hint: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": {"kind": kind, "message": message, "hint": hint or None, "line": None,
                                                "col": None, "source_line": None, "path": None}}, status_code=status)
