"""What every command shares: the common arguments, the values they take, and reading the model they name."""

from __future__ import annotations

import argparse
import keyword
import math
import os
import re
import sys
from collections.abc import Sequence

from ..cost import filled_inputs
from ..errors import EXIT_INPUT, Diagnostic, InputError
from ..formula import symbol
from ..frontends import Found, ReadOptions, read_path
from ..frontends.target import parse_target, resolve_target
from ..frozen import replace
from ..infer import infer
from ..ir import Graph
from ..report import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (descriptions kept as written) at the width argparse itself would take, found
    without `shutil`: argparse makes a formatter for every add_argument(), and its own default width imports
    shutil (with zlib, bz2 and lzma) on every start, help asked or not."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=help_width())


def help_width() -> int:
    """shutil.get_terminal_size().columns - 2, as argparse computes it: $COLUMNS, else standard output's
    terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def table_width(text: str) -> int:
    if not re.fullmatch(INTEGER, text.strip()) or not 40 <= int(text) <= 10000:
        raise argparse.ArgumentTypeError(f"a table width is a whole number from 40 to 10000; got {shown(text)}")
    return int(text)


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="NAME", help="which model to show when the input builds several")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], help="bind a name the code leaves undefined")
    p.add_argument("--input-shape", metavar="SHAPE", help="input shape, e.g. 1,3,224,224 (PyTorch) or 28,28,1 (Keras)")
    p.add_argument("--class", dest="class_name", metavar="NAME",
                   help="the model class (or function that builds the model) to call; also FILE.py:NAME, pkg.module:NAME")
    p.add_argument("--args", metavar="ARGS", default="",
                   help="its arguments, e.g. 10,depth=3 (default: its keyword defaults)")
    p.add_argument("--framework", choices=["keras", "torch"], help="read .py source as this framework (default: detect)")
    p.add_argument("--path", dest="paths", metavar="DIR", action="append", default=[],
                   help="a folder where the code's imports are looked for (repeatable; beside the file and up to "
                   "the project root by default)")
    p.add_argument("--debug", action="store_true", help="show tracebacks (the exit code stays the same)")
    p.add_argument("--quiet", action="store_true", help="do not print warnings")
    p.add_argument("--no-limits", action="store_true", help="read without the time and memory limits (a huge real model)")
    p.add_argument("--no-embeddings", action="store_true",
                   help="Hugging Face configs: count without the embedding matrices (token and position tables, output projection)")
    p.add_argument("--strict", action="store_true", help="exit 2 when the reading is incomplete (something that can change the count was not read)")


INTEGER = r"[+-]?[0-9][0-9_]{0,99}"  # patterns compiled (and cached by re) when an option is given
DECIMAL = r"[+-]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9]{1,4})?"
CONSTANTS = {"True": True, "False": False, "None": None}
VALUE_HINT = ("a value is a whole number (32), a number (0.5), True, False, None, a word (relu), a quoted string "
              "(\"'a b'\") or a tuple, list or dict of them ((16, 32), [3, 3], {'dim': 64})")


OPEN = {"(": ")", "[": "]", "{": "}"}
MAX_NESTING = 20  # brackets inside brackets in one command-line value


def split_top(text: str, option: str) -> list[str]:
    """`text` split at the commas outside brackets and quotes: `widths=(16, 32), depth=1` -> two parts."""
    parts, depth, quote, start = [], [], "", 0
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in OPEN:
            depth.append(OPEN[c])
            if len(depth) > MAX_NESTING:
                raise InputError(f"{option}: brackets nested more than {MAX_NESTING} deep", hint=VALUE_HINT)
        elif c in ")]}":
            if not depth or depth.pop() != c:
                raise InputError(f"{option}: {shown(text)} has an unmatched {c!r}", hint=VALUE_HINT)
        elif c == "," and not depth:
            parts.append(text[start:i])
            start = i + 1
    if depth or quote:
        raise InputError(f"{option}: {shown(text)} has an unclosed {quote or '(['[0]}", hint=VALUE_HINT)
    parts.append(text[start:])
    return parts


def parse_value(text: str, option: str = "--set") -> Any:
    """A value given on the command line: a number, True/False/None, a quoted string or a bare word
    (`--set act=relu`), or a tuple, list or dict of them (`(16, 32)`, `[3, 3]`, `{'dim': 64}`); nothing else."""
    t = text.strip()
    if t[:1] in OPEN and t[-1:] == OPEN[t[0]]:
        items = [p for p in split_top(t[1:-1], option) if p.strip()] if t[1:-1].strip() else []
        if t[0] == "{":
            pairs = [split_top(item.replace(":", ",", 1), option) if ":" in item else [item] for item in items]
            if any(len(pair) != 2 for pair in pairs):
                raise InputError(f"{option}: {shown(text)} is not a dict of key: value pairs", hint=VALUE_HINT)
            return {parse_value(k, option): parse_value(v, option) for k, v in pairs}
        values = [parse_value(item, option) for item in items]
        return values if t[0] == "[" else tuple(values)
    if t in CONSTANTS:
        return CONSTANTS[t]
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    if t.isidentifier() and t.lower().lstrip("+-") not in ("nan", "inf", "infinity"):
        return t
    try:
        if re.fullmatch(INTEGER, t):
            return int(t)
        if re.fullmatch(DECIMAL, t) and math.isfinite(number := float(t)):
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
    if re.fullmatch(INTEGER, t) and int(t) >= 1:
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
    for part in filter(None, (a.strip() for a in split_top(args.args, f"--args {args.args}"))):
        if "=" in part:
            k, v = part.split("=", 1)
            keywords[parse_name(k, f"--args {args.args}")] = parse_value(v, f"--args {args.args}")
        else:
            positional.append(parse_value(part, f"--args {args.args}"))
    return ReadOptions(
        model=args.model, bindings=bindings, input_shape=parse_shape(args.input_shape), class_name=args.class_name,
        class_args=(tuple(positional), keywords), framework=args.framework,
        no_embeddings=getattr(args, "no_embeddings", False),
        paths=tuple(getattr(args, "paths", None) or ()),
    )


def read_model(args: argparse.Namespace) -> tuple[Graph, list[Found]]:
    """The graph of the model the arguments name, and every model found in the input."""
    found, chosen = read_path(*target_options(args))
    graph = found[chosen].require()
    if getattr(args, "no_embeddings", False) and "counting" not in graph.meta:  # never a count with them, silently
        raise InputError("--no-embeddings counts Hugging Face configs and model folders only; this input is another kind",
                         hint="leave --no-embeddings out (the table shows each embedding's own row)")
    return graph, found


def target_options(args: argparse.Namespace) -> tuple[str, ReadOptions]:
    """The input to read and its options: `file.py:Name` and `pkg.module:Name` select Name as --class does."""
    options = read_options(args)
    path, attr = resolve_target(parse_target(args.path), options.paths)
    if attr is not None:
        options = replace(options, class_name=attr, as_module=True)
    return path, options


def load_report(args: argparse.Namespace) -> tuple[Report, list[Found]]:
    graph, found = read_model(args)
    report = infer(graph)
    sizes = filled_inputs(report.input_shapes, getattr(args, "batch", None), getattr(args, "seq_len", None))
    return (infer(graph, input_shapes=sizes) if sizes is not None else report), found


def load(args: argparse.Namespace) -> tuple[Graph, Report]:
    """Read the model the arguments name: its graph (kinds and all) and its Report."""
    graph, _ = read_model(args)
    return graph, infer(graph)


def strict_exit(report: Report, strict: bool) -> int | None:
    """Under --strict, an incomplete reading is an error: say what was not read (stderr) and give exit 2."""
    if not strict or report.complete:
        return None
    unread = report.unread
    lines = [f"error: the reading is incomplete: {len(unread)} thing{'s' if len(unread) != 1 else ''} that can change the count "
             "not read (--strict)"]
    lines += [f"  {u.where + ': ' if u.where else ''}{u.what}" for u in unread]
    lines.append("  hint: each warning above says what to do; without --strict the totals are shown as lower bounds")
    print("\n".join(lines), file=sys.stderr)
    return EXIT_INPUT


def print_warnings(warnings: Sequence[Diagnostic], quiet: bool, width: int | None = None) -> None:
    """The warnings on stderr, in line order and grouped (render/warnings.py), in lines of at most `width`."""
    if quiet or not warnings:
        return
    from ..render.warnings import render_warnings

    print(render_warnings(warnings, width), file=sys.stderr)
