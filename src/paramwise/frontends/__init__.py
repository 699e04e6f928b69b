"""Frontends: each reads one kind of input and produces Graphs. Each reader module has `sniff(path, head)`
and `read(path, text_or_bytes, options) -> (found models, index of the one to show)`.

source/ reads Python source without running it (python/: the bounded interpreter, which knows no
framework; keras/ and torch/ on top of it), files/ reads saved models and checkpoints as data, live/
reads objects in memory. Imports go live | source -> files, never the other way (.importlinter)."""

from __future__ import annotations

import codecs
import importlib
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from ..errors import InputError, LimitError
from ..frozen import field, frozen
from ..ir import Graph

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

# tried in order; the first whose sniff() says yes reads the input
FRONTENDS = [
    "files.checkpoint",  # .safetensors (header only), *.safetensors.index.json, .pt/.pth/.bin state dicts
    "files.gguf",  # llama.cpp GGUF (header only)
    "files.onnx",  # ONNX models (onnx is an optional extra)
    "files.hf",  # a Hugging Face config.json (a JSON object with a model_type)
    "files.keras_archive", "files.keras_h5", "files.keras_json",  # .keras zip, legacy .h5, to_json() (before .py sniffing: stdin)
    "source.keras.source",
    "source.torch.source",  # .py files that import torch
    "source.project",  # a .py script that imports neither, but whose project modules do
]


def _json_object(path: str, head: bytes) -> bool:
    return head.lstrip()[:1] == b"{"


def _source() -> ModuleType:
    """The source readers' package, whose sniffs import neither reader."""
    return load("source")


# What each frontend's sniff() needs at the least, checked before that frontend is imported, so that reading a .py
# file does not import the readers of checkpoints, ONNX and Hugging Face configs (start-up time). Each is a superset
# of its frontend's sniff() (tests/frontends/test_sniffing.py holds this over every input of the suite); a frontend
# missing here is always imported and asked.
MAY_READ: dict[str, Any] = {
    "files.checkpoint": lambda path, head: path.endswith((".safetensors", ".index.json", ".pt", ".pth", ".bin", ".ckpt"))
    or head[8:9] == b"{" or head[:4] == b"PK\x03\x04",
    "files.gguf": lambda path, head: head[:4] == b"GGUF" or path.endswith(".gguf"),
    "files.onnx": lambda path, head: path.endswith(".onnx"),
    "files.hf": lambda path, head: _json_object(path, head) and b'"model_type"' in head,
    "files.keras_archive": lambda path, head: head[:4] == b"PK\x03\x04",
    "files.keras_h5": lambda path, head: head[:8] == b"\x89HDF\r\n\x1a\n",
    "files.keras_json": _json_object,
    "source.keras.source": lambda path, head: _source().keras_sniff(path, head),
    "source.torch.source": lambda path, head: _source().torch_sniff(path, head),
    "source.project": lambda path, head: path.endswith(".py"),
}

# a folder: the first of these whose sniff_dir(path) says yes reads it with read_dir(path, options)
DIRECTORY_FRONTENDS = [
    "files.hf",  # a Hugging Face model folder (config.json, weights, tokenizer files)
    "files.checkpoint",  # a folder of safetensors shards (*.safetensors.index.json) without a config
    "source.project",  # a Python project: the models its files can build
]


@frozen
class ReadOptions:
    """What the command line (or the API) says about how to read an input."""

    model: str | None = None  # --model NAME
    bindings: dict[str, Any] = field(default_factory=dict)  # --set NAME=VALUE
    input_shape: tuple[Any, ...] | None = None  # --input-shape 1,3,224,224
    class_name: str | None = None  # --class Net
    class_args: tuple[Any, ...] = ()  # --args ...
    framework: str | None = None  # --framework keras|torch (skip sniffing)
    no_embeddings: bool = False  # --no-embeddings (Hugging Face configs): count without embedding matrices
    paths: tuple[str, ...] = ()  # --path DIR: more folders where the code's imports are looked for
    as_module: bool = False  # file.py:Name: the file is imported (its `if __name__ == "__main__":` block does not run)


@frozen
class Found:
    """One model found in an input: the name it is bound to, and its graph (or why it has none)."""

    name: str
    graph: Graph | None
    error: InputError | None = None

    def require(self) -> Graph:
        """The graph, or the error that says why this model has none (e.g. no input shape)."""
        if self.graph is None:
            raise self.error or InputError(f"model '{self.name}' could not be read")
        return self.graph


def register(name: str) -> None:
    """Add a frontend module (by its name in this package) to the ones tried."""
    if name not in FRONTENDS:
        FRONTENDS.append(name)


def load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def pick(path: str, head: bytes, options: ReadOptions, shown: str | None = None) -> ModuleType:
    """The frontend whose sniff() recognises the input (`path` as sniffers see it; `shown` as messages do)."""
    if options.framework:
        wanted = {"keras": "source.keras.source", "torch": "source.torch.source"}.get(options.framework, options.framework)
        return load(wanted)
    for name in FRONTENDS:
        may_read = MAY_READ.get(name)
        if may_read is not None and not may_read(path, head):
            continue
        try:
            module = load(name)
        except ImportError:
            continue
        if module.sniff(path, head):
            return module
    raise InputError(
        f"{shorten(shown or path)}: paramwise does not recognise this input",
        hint="give a Keras or PyTorch .py file, a .keras/.json/.h5 Keras file, a .safetensors/.pt checkpoint, an .onnx "
             "or .gguf file, or a Hugging Face config.json or model folder",
    )


def read_path(path: str, options: ReadOptions, stdin_text: str | bytes | None = None) -> tuple[list[Found], int]:
    """Read a file (or `-`: `stdin_text`, else standard input) with the frontend that recognises it.

    Each input is read once, so a pipe (`<(cat model.py)`, `/dev/stdin`) works like a file; devices are
    refused, a named pipe nobody writes to is given up after a few seconds, and text inputs are capped."""
    if path != "-" and os.path.isdir(path):
        return read_directory(path, options)
    source = read_input(path, options, stdin_text)
    if source.data is None:  # the frontend reads only what it needs (a 100 GB checkpoint's header)
        try:
            found: tuple[list[Found], int] = source.module.read_file(path, options)
        except OSError as e:
            raise unreadable(path, e) from e
        return found
    if getattr(source.module, "BINARY", False):
        result: tuple[list[Found], int] = source.module.read(source.name, source.data, options)
        return result
    result = source.module.read(source.name, text_of(source.name, source.data), options)
    return result


def read_directory(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    """A folder, read by the first directory frontend that recognises it."""
    for name in DIRECTORY_FRONTENDS:
        try:
            module = load(name)
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith(__name__):
                continue  # a reader this installation does not have
            raise
        sniff_dir = getattr(module, "sniff_dir", None)
        if sniff_dir is not None and sniff_dir(path):
            found: tuple[list[Found], int] = module.read_dir(path, options)
            return found
    raise InputError(
        f"{shorten(path)}: is a directory paramwise does not recognise",
        hint="give the model file itself, a Hugging Face model folder (with config.json) or a folder of checkpoint shards",
    )


@frozen
class Input:
    """One input, read once: the name messages give it, the name its frontend was sniffed by, the frontend,
    and the bytes (None for a frontend that reads the file itself)."""

    name: str
    sniffed_as: str
    module: ModuleType
    data: bytes | None


def read_input(path: str, options: ReadOptions, stdin_text: str | bytes | None = None) -> Input:
    if path == "-":
        return read_stream(path, "<stdin>", stdin_source(stdin_text), options)
    try:
        with open_input(path) as (f, mode):
            if not stat.S_ISREG(mode):
                return read_stream(path, path, f, options)
            head = f.read(HEAD_BYTES)
            sniffed_as = sniff_name(path, mode)
            module, skip = choose(sniffed_as, path, head, options)
            if getattr(module, "READS_PATH", False):
                return Input(path, sniffed_as, module, None)
            size = os.fstat(f.fileno()).st_size
            if not getattr(module, "BINARY", False) and size > MAX_TEXT_BYTES:
                raise too_big(path, size, MAX_TEXT_BYTES)
            data = head + f.read()
    except OSError as e:
        raise unreadable(path, e) from e
    return Input(path, sniffed_as, module, data[skip:])


def read_source(path: str, options: ReadOptions, stdin_text: str | None = None) -> tuple[str, str, str]:
    """A source-code input read as read_path reads it: (the name messages give it, the name to sniff it by,
    its text). A saved model or checkpoint is an error."""
    source = read_input(path, options, stdin_text)
    if source.data is None or getattr(source.module, "BINARY", False):
        raise InputError(f"{shorten(source.name)}: this needs model source code", hint="give the .py file that builds the model")
    return source.name, source.sniffed_as, text_of(source.name, source.data)


HEAD_BYTES = 65536
MAX_TEXT_BYTES = 64 * 1024 * 1024  # a model's source or to_json() config is far smaller
MAX_STREAM_BYTES = 1024 * 1024 * 1024  # a .keras archive or .h5 file read from a pipe
FIFO_WAIT = 5.0  # seconds a named pipe may stay silent before it is given up
INHERITED_FD = r"/(?:dev/fd|proc/self/fd)/(\d+)|/dev/std(in)"  # compiled (and cached by re) for such paths only


@contextmanager
def open_input(path: str) -> Iterator[tuple[BinaryIO, int]]:
    """The input opened for reading, and its file mode. Never blocks: a pipe that the shell handed to this
    process (`<(...)`, `/dev/stdin`) is read from its own descriptor; a named pipe is opened non-blocking."""
    if os.path.isdir(path):
        raise InputError(f"{shorten(path)}: is a directory", hint="give the model file itself")
    fd = inherited_fd(path)
    if fd is None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb", buffering=0) as f:
        mode = os.fstat(fd).st_mode
        if stat.S_ISCHR(mode) and not os.isatty(fd) or stat.S_ISBLK(mode):
            raise InputError(f"{shorten(path)}: is a device, not a file", hint="give the model file itself")
        if not stat.S_ISFIFO(mode) and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        yield f, mode


def inherited_path(path: str) -> re.Match[str] | None:
    """`/dev/fd/N`, `/proc/self/fd/N` or `/dev/stdin`, matched (the pattern is compiled for such paths only)."""
    return re.fullmatch(INHERITED_FD, path) if path.startswith(("/dev/", "/proc/")) else None


def inherited_fd(path: str) -> int | None:
    """A new descriptor for the pipe, socket or terminal that `path` names in /dev/fd (None for anything else)."""
    match = inherited_path(path)
    if match is None:
        return None
    fd = 0 if match.group(2) else int(match.group(1))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) and os.isatty(fd):
        return os.dup(fd)
    return None


def stdin_source(stdin_text: str | bytes | None) -> BinaryIO:
    if isinstance(stdin_text, bytes):
        return io.BytesIO(stdin_text)
    if isinstance(stdin_text, str):
        return io.BytesIO(stdin_text.encode("utf-8", "surrogateescape"))
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]  # sys.stdin.buffer, a binary stream
    if sys.stdin is None:
        raise InputError("standard input is closed", hint="give a file, or pipe the model into paramwise -")
    return TextAsBytes(sys.stdin)  # type: ignore[return-value]  # a binary stream made of a text one


class TextAsBytes(io.RawIOBase):
    """A text stream (a replaced sys.stdin) read as UTF-8 bytes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size).encode("utf-8", "surrogateescape")


def read_stream(path: str, name: str, f: BinaryIO, options: ReadOptions) -> Input:
    """A pipe, terminal or standard input: the frontend is chosen from the first bytes, then the rest is read."""
    wait = None if path == "-" or inherited_path(path) else FIFO_WAIT
    chunks = Chunks(f, path, wait)
    head = chunks.read(HEAD_BYTES)
    module, skip = choose("-", name, head, options)
    if getattr(module, "READS_PATH", False):
        raise InputError(
            f"{shorten(name)}: a checkpoint is read in place (its header only), so it must be a file, not a pipe",
            hint="save it to a file and give that file",
        )
    limit = MAX_STREAM_BYTES if getattr(module, "BINARY", False) else MAX_TEXT_BYTES
    data = head + chunks.read(limit + 1 - len(head))
    if len(data) > limit:
        raise too_big(name, None, limit)
    return Input(name, "-", module, data[skip:])


class Chunks:
    """Reads from a file, pipe or terminal; a named pipe silent for `wait` seconds is an error."""

    def __init__(self, f: BinaryIO, path: str, wait: float | None) -> None:
        self.f, self.path, self.wait = f, path, wait
        self.polled = hasattr(f, "fileno") and not isinstance(f, io.BytesIO) and self.is_fifo()

    def is_fifo(self) -> bool:
        try:
            return stat.S_ISFIFO(os.fstat(self.f.fileno()).st_mode) and os.get_blocking(self.f.fileno()) is False
        except (OSError, ValueError, AttributeError):
            return False

    def read(self, size: int) -> bytes:
        """Up to `size` bytes: fewer only at the end of the input."""
        parts: list[bytes] = []
        while size > 0:
            part = self.read_some(min(size, 1 << 20))
            if not part:
                break
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def read_some(self, size: int) -> bytes:
        if not self.polled:
            return self.f.read(size) or b""
        import select

        fd = self.f.fileno()
        while True:
            ready, _, _ = select.select([fd], [], [], self.wait)
            if not ready:
                raise InputError(
                    f"{shorten(self.path)}: nothing was written to this named pipe for {self.wait:g} s",
                    hint="give the model file itself, or start the program that writes to the pipe first",
                )
            try:
                return os.read(fd, size)  # b"" after a ready select: the writer closed the pipe
            except BlockingIOError:
                continue


def choose(sniff_as: str, shown: str, head: bytes, options: ReadOptions) -> tuple[ModuleType, int]:
    """The frontend for an input, and how many bytes of byte-order mark to skip (text inputs only)."""
    if not head.startswith(codecs.BOM_UTF8):
        return pick(sniff_as, head, options, shown), 0
    try:
        module = pick(sniff_as, head, options, shown)
        if getattr(module, "BINARY", False) or getattr(module, "READS_PATH", False):
            return module, 0
    except InputError:
        pass
    return pick(sniff_as, head[len(codecs.BOM_UTF8):], options, shown), len(codecs.BOM_UTF8)


def text_of(name: str, data: bytes) -> str:
    """The text of a source or JSON input: UTF-8 (what cannot be decoded is replaced); binary data is an error."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(
            f"{shorten(name)}: binary data, not text (a NUL byte at offset {nul:,})",
            hint="give the model's source code or its to_json() file",
        )
    return data.decode("utf-8", "replace")


def sniff_name(path: str, mode: int) -> str:
    """The name sniffers see: a pipe or a /dev path has no meaningful suffix, so only its content counts."""
    return path if stat.S_ISREG(mode) and not path.startswith(("/dev/", "/proc/")) else "-"


def too_big(path: str, size: int | None, limit: int) -> LimitError:
    got = f"{size_text(size)}, " if size is not None else ""
    return LimitError(
        f"{shorten(path)}: this input is larger than any model definition ({got}paramwise reads at most {size_text(limit)})",
        hint="give the model's source code, its to_json() file or its .keras/.h5 file",
    )


def size_text(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB" if n >= 2**10 else f"{n} bytes"


def unreadable(path: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(f"{shorten(path)}: no such file", hint="check the path")
    reason = error.strerror or type(error).__name__
    return InputError(f"{shorten(path)}: cannot read this input ({reason})", hint="check the path and its permissions")


def shorten(path: str, keep: int = 80) -> str:
    """A path as messages show it: long ones keep their start and end."""
    path = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    path = "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)  # no control characters in a message
    return path if len(path) <= keep else f"{path[: keep // 2 - 2]}...{path[-(keep // 2 - 1):]}"
