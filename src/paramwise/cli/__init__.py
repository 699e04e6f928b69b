"""The `paramwise` command: argv in, an exit code out. The only package that writes to stdout and stderr.

main() picks the subcommand (summary.py: `paramwise FILE`; check.py: `paramwise check`), turns a
ParamwiseError into its message and exit code, and any other exception into exit 4 (internal error);
options.py holds what the subcommands share, output.py the guarded streams, limits.py the time and
memory limits of one read.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Mapping

from .. import collect
from ..errors import EXIT_INTERNAL, ParamwiseError
from . import summary
from .limits import Limits
from .output import Output, OutputError, finish_output, silence, terminal_width

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import NoReturn


def run_check(argv: list[str]) -> int:
    from . import check  # imported when asked for: start-up time of the summary command

    return check.run(argv)


def run_serve(argv: list[str]) -> int:
    from . import serve  # imported when asked for, as check is

    return serve.run(argv)


# A reading makes many small objects that live until the answer is printed; with Python's default (700 new
# objects a collection) a model of 40,000 layers spent a fifth of its time in the cycle collector going over them
# again and again. Cycles are still collected, every 100,000 objects. Only the installed command sets this, never
# a program that calls the API.
GC_THRESHOLD = (100_000, 50, 100)

SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {"check": run_check, "serve": run_serve}


def main(argv: list[str] | None = None) -> int:
    """The `paramwise` command. Called without `argv` (the installed command, `python -m paramwise`), a read
    stuck past its time limit where no exception can stop it ends the process (exit 2), and the process ends as
    soon as the answer is written (see fast_exit)."""
    own_process = argv is None
    Limits.hard_exit = own_process
    if own_process:  # collect cycles less often (see GC_THRESHOLD), and never visit a finished build again
        gc.set_threshold(*GC_THRESHOLD)
        collect.keep_built(True)
        if untranslated(os.environ):
            argparse._ = str  # type: ignore[attr-defined]  # argparse's `_(message)`: the message as argparse wrote it (see untranslated)
    code = command(list(sys.argv[1:] if argv is None else argv))
    if own_process:
        fast_exit(code)
    return code


def untranslated(environ: Mapping[str, str]) -> bool:
    """Whether the locale asks for no translation of argparse's messages (C, POSIX or English).

    argparse passes each message it makes through gettext, and gettext, on each call, imports `locale` and
    looks on disk for a translation of the 'messages' domain: about 2.5 ms of a 45 ms start, every start, help
    asked or not. Python ships no translation of argparse's messages, and in these locales they are argparse's
    own English text, so the installed command gives argparse that text directly. Any other language keeps
    gettext's search (a translation installed on the machine is still used). The variables are read as gettext
    reads them: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set, a list separated by ':'."""
    value = next((v for v in (environ.get(k) for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")) if v), "")
    languages = [item.split(".")[0].split("@")[0] for item in value.split(":") if item]
    return all(lang in ("C", "POSIX", "en") or lang.startswith("en_") for lang in languages)


def fast_exit(code: int) -> NoReturn:
    """End the command's process without the interpreter's teardown, once its output is flushed: freeing every
    module and object one by one took a sixth of a small model's run (as mypy does, for the same reason).
    paramwise registers no atexit work; its temporary folders and worker processes are ended where made."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or 1  # a closed pipe: nothing more can be said
    os._exit(code)


def command(argv: list[str]) -> int:
    """Run the command line `argv`: its exit code (errors reported on stderr)."""
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
            print_traceback()
        text = f"{type(e).__name__}: {message_of(e)}"
        print(f"internal error: {text[:2000]}\nhint: rerun with --debug and report the traceback", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        Limits.end_reading()
        sys.stdout, sys.stderr = out, err


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    return summary.run(argv)


def message_of(e: BaseException) -> str:
    try:
        return str(e)
    except Exception:  # an exception whose text cannot be made (a huge int in it, a broken __str__)
        return ""


def print_traceback() -> None:
    """--debug: the traceback on stderr; one that cannot be printed (no memory left, an exception whose text
    fails) is dropped, so that --debug never changes the exit code."""
    import traceback  # here: its imports cost start-up time

    try:
        traceback.print_exc()
    except (Exception, MemoryError):  # noqa: BLE001 -- the exit code is what matters here
        pass


def report_error(e: ParamwiseError, debug: bool) -> int:
    if debug:
        print_traceback()
    width = terminal_width(sys.stderr)
    if width is None:
        print(e.render(), file=sys.stderr)
    else:  # a terminal: the message in its width
        from ..render.warnings import render_diagnostic

        print(render_diagnostic("error", e.message, e.location, e.hint, width), file=sys.stderr)
    return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
