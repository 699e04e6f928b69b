"""The command's output streams: plain characters where the stream cannot encode ours, and write errors
as the user's (exit 2), never a traceback."""

from __future__ import annotations

import codecs
import os
import sys

from ..errors import EXIT_INPUT, ParamwiseError
from .limits import Limits

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TextIO

PLAIN = {
    "×": "x", "·": "*", "→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "≈": "~", "±": "+-", "²": "^2",
    "³": "^3", "ᵀ": "^T", "•": "*", "…": "...", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"',
    "′": "'", "″": '"', "−": "-", "–": "-", "—": "-", "∞": "inf", "\u00a0": " ",
}


def plain(char: str) -> str:
    """An ASCII stand-in for a character the output cannot encode."""
    if char in PLAIN:
        return PLAIN[char]
    import unicodedata  # only for an output whose encoding lacks a character (an ASCII terminal)

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


def terminal_width(stream: Any) -> int | None:
    """The width to lay text out in for `stream`: $COLUMNS where it is set (as rich reads it), else the
    terminal's own where the stream is one, else None (a file or a pipe: the renderer's default)."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isdigit() and int(text) > 0:
        return max(int(text), MIN_WIDTH)
    try:
        is_terminal = bool(stream is not None and stream.isatty())
    except (OSError, ValueError, AttributeError):
        is_terminal = False
    if not is_terminal:
        return None
    import shutil  # a terminal's size: not needed for a file or a pipe

    return max(shutil.get_terminal_size().columns, MIN_WIDTH)


MIN_WIDTH = 40  # narrower terminals get 40 columns (what --width accepts at least)


PROGRESS_AFTER = 1.0  # seconds of work before a spinner says what is going on


class Progress:
    """`with Progress("reading model.py", sys.stderr):` shows a spinner with the message on the stream once the
    work has taken PROGRESS_AFTER seconds, and clears its line at the end; nothing where the stream is not a
    terminal (a pipe, a file, a test) or `enabled` is False (JSON output). The cursor is never hidden, so a
    process ended by its time limit leaves the terminal as it was."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self, message: str, stream: Any, enabled: bool = True, after: float | None = None) -> None:
        self.message, self.stream = message, stream
        self.after = PROGRESS_AFTER if after is None else after
        try:
            self.enabled = enabled and stream is not None and bool(stream.isatty())
        except (OSError, ValueError, AttributeError):
            self.enabled = False
        self.stop: Any = None  # a threading.Event, made with the spinner's thread (threading is imported for a terminal only)
        self.thread: Any = None
        self.shown = 0  # characters of the spinner's line on the terminal

    def __enter__(self) -> Progress:
        if self.enabled:
            import threading

            self.stop = threading.Event()
            self.thread = threading.Thread(target=self.spin, name="paramwise-progress", daemon=True)
            self.thread.start()
        return self

    def spin(self) -> None:
        if self.stop.wait(self.after):
            return
        import shutil

        room = max(shutil.get_terminal_size().columns - 3, 10)
        text = self.message if len(self.message) <= room else self.message[:room - 1] + "…"
        frame = 0
        while True:
            line = f"{self.FRAMES[frame % len(self.FRAMES)]} {text}"
            self.write("\r" + line)
            self.shown = len(line)
            frame += 1
            if self.stop.wait(0.1):
                return

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stop.set()

    def __exit__(self, *exc: object) -> None:
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
            if self.shown:
                self.write("\r" + " " * self.shown + "\r")
