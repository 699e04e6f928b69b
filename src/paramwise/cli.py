"""The `paramwise` command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .errors import Diagnostic, ParamwiseError
from .frontends import Found, ReadOptions, read_path
from .infer import infer
from .ir import Graph
from .render import View
from .report import Report

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
    p.add_argument("--width", type=int, default=None, help="table width in characters")
    p.add_argument("--version", action="version", version=f"paramwise {__version__}")
    return p


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="NAME", help="which model to show when the input builds several")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], help="bind a name the code leaves undefined")
    p.add_argument("--input-shape", metavar="SHAPE", help="input shape, e.g. 1,3,224,224 (PyTorch) or 28,28,1 (Keras)")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="PyTorch: the nn.Module class to build")
    p.add_argument("--args", metavar="ARGS", default="", help="PyTorch: constructor arguments for --class, e.g. 10,depth=3")
    p.add_argument("--framework", choices=["keras", "torch"], help="read .py source as this framework (default: detect)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--quiet", action="store_true", help="do not print warnings")


def parse_value(text: str) -> Any:
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        pass
    if text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text]
    return text.strip("'\"")


def parse_shape(text: str | None) -> tuple[Any, ...] | None:
    if not text:
        return None
    return tuple(None if t.strip() in ("None", "?", "") else int(t) for t in text.strip("()[] ").split(","))


def read_options(args: argparse.Namespace) -> ReadOptions:
    bindings = {}
    for item in args.set:
        if "=" not in item:
            raise ParamwiseError(f"--set needs NAME=VALUE; got {item!r}", hint="e.g. --set img_SIZE=32")
        name, value = item.split("=", 1)
        bindings[name.strip()] = parse_value(value)
    positional, keywords = [], {}
    for part in filter(None, (a.strip() for a in args.args.split(","))):
        if "=" in part:
            k, v = part.split("=", 1)
            keywords[k.strip()] = parse_value(v)
        else:
            positional.append(parse_value(part))
    return ReadOptions(
        model=args.model, bindings=bindings, input_shape=parse_shape(args.input_shape), class_name=args.class_name,
        class_args=(tuple(positional), keywords), framework=args.framework,
    )


def read_model(args: argparse.Namespace) -> tuple[Graph, list[Found]]:
    """The graph of the model the arguments name, and every model found in the input."""
    stdin_text = sys.stdin.read() if args.path == "-" else None
    found, chosen = read_path(args.path, read_options(args), stdin_text)
    return found[chosen].require(), found


def load_report(args: argparse.Namespace) -> tuple[Report, list[Found]]:
    graph, found = read_model(args)
    return infer(graph), found


def print_warnings(warnings: Sequence[Diagnostic], quiet: bool) -> None:
    if quiet:
        return
    for w in warnings:
        print(w.render(), file=sys.stderr)


def render(report: Report, fmt: str, view: View) -> str:
    if fmt == "json":
        from .render.json import render_json

        return render_json(report, view)
    if fmt == "markdown":
        from .render.markdown import render_markdown

        return render_markdown(report, view)
    from .render.table import render_text

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
    if args.symbolic is not None:
        from .symbolic import run_symbolic

        return run_symbolic(args)
    if args.as_framework:
        from .convert import run_as

        return run_as(args)
    report, found = load_report(args)
    if args.list:
        sys.stdout.write(list_models(found))
        return EXIT_OK
    view = View(depth=None if args.expand else (args.depth if args.depth is not None else 0), explain=args.explain, width=args.width)
    from .pitfalls import with_pitfalls

    report = with_pitfalls(report)
    sys.stdout.write(render(report, args.format, view))
    sys.stdout.flush()
    print_warnings(report.warnings, args.quiet)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        if argv and argv[0] in SUBCOMMANDS:
            module = importlib.import_module(SUBCOMMANDS[argv[0]])
            code: int = module.run(argv[1:])
            return code
        return run(argv)
    except ParamwiseError as e:
        if debug:
            raise
        print(e.render(), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in paramwise: say so plainly
        if debug:
            raise
        print(f"internal error: {type(e).__name__}: {e}\nhint: rerun with --debug and report the traceback", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
