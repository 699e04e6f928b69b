"""`paramwise FILE`: the summary table (or JSON, Markdown), --list, --as and --symbolic."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .. import __version__
from ..cost import (
    BYTE_SUFFIX,
    COUNT_SUFFIX,
    DTYPES,
    OPTIMIZERS,
    Settings,
    budget_overruns,
    parse_amount,
    with_cost,
)
from ..errors import EXIT_CHECK_FAILED, EXIT_OK, ParamwiseError
from ..frontends import Found
from ..infer import infer
from ..ir import Graph
from ..render import COLUMNS, View
from ..report import Report
from ..teach.pitfalls import with_pitfalls
from .limits import (
    DEFAULT_MEGABYTES,
    DEFAULT_SECONDS,
    ENV_MEGABYTES,
    ENV_SECONDS,
    limit_from_env,
    read_limits,
)
from .options import (
    HelpFormatter,
    add_common_arguments,
    load,
    load_report,
    print_warnings,
    read_options,
    strict_exit,
    table_width,
    target_options,
)
from .output import Progress, terminal_width

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from ..frontends.live.run import RunResult

DESCRIPTION = """\
Count and explain a neural network's parameters, layer by layer, without running it.

Reads Keras and PyTorch source (parsed, never executed), Keras .keras/.json/.h5 files,
PyTorch checkpoints and safetensors. Shows each layer's output shape, its count and the
arithmetic behind it: (3*3*3 + 1)*32 = 896.
"""

EPILOG = """\
examples:
  paramwise examples/mnist_cnn.py                 table, arithmetic and totals
  paramwise model.py --format json                the versioned JSON form
  paramwise pasted.txt --set img_SIZE=32          bind a size the code leaves undefined
  paramwise - < pasted.txt                        read code from standard input
  paramwise model.py --list                       every model the file builds
  paramwise models/vit.py:ViT --args depth=6      one class of a project (its imports are read too)
  paramwise src/                                  every model a project folder's files build
  paramwise net.py --run                          run the code (only code you trust): the framework's own counts
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
        prog="paramwise", description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter
    )
    p.add_argument("path", help="model file (.py, .keras, .json, .h5, .safetensors, .pt), - for stdin, a project folder, "
                   "FILE.py:NAME or pkg.module:NAME")
    add_common_arguments(p)
    p.add_argument("--format", choices=["table", "json", "markdown"], default="table", help="output form (default: table)")
    p.add_argument("--list", action="store_true", help="list every model found in the input, with its total")
    p.add_argument("--explain", action="store_true", help="per layer: the formula in letters and why the weights exist")
    p.add_argument("--as", dest="as_framework", choices=["keras", "torch"], help="count the same layers in this framework's conventions")
    p.add_argument("--symbolic", metavar="NAME[,NAME]", nargs="?", const="", help="the count as a formula in these names (none: every free name)")
    p.add_argument("--depth", type=int, default=None, help="show nested rows down to this depth (0: top level only)")
    p.add_argument("--expand", action="store_true", help="open every nested model (same as a large --depth)")
    p.add_argument("--width", type=table_width, default=None, help="output width in characters, 40 to 10000 (default: $COLUMNS or the terminal's; 120 into a file or pipe)")
    p.add_argument("--run", action="store_true", help="import and run the code (only code you trust) in a separate process, "
                   "building the model on the meta device: the framework's own counts")
    p.add_argument("--run-timeout", type=float, metavar="SECONDS", default=None,
                   help=f"--run: seconds the code may run (default: {ENV_SECONDS}, 30; 0: none)")
    add_cost_arguments(p)
    p.add_argument("--version", action="version", version=f"paramwise {__version__}")
    return p


def add_cost_arguments(p: argparse.ArgumentParser) -> None:
    """What running the model costs (cost.py): MACs for a batch, memory by dtype and optimizer, a budget."""
    g = p.add_argument_group("cost", "MACs (1 MAC = 2 FLOPs; matrix products and convolutions) and memory")
    g.add_argument("--batch", type=positive_int, metavar="N", help="the batch size where the input leaves it open")
    g.add_argument("--seq-len", type=positive_int, metavar="N", help="the size of any other axis the input leaves open (a sequence length)")
    g.add_argument("--dtype", choices=list(DTYPES), help="size the weights in this dtype (default: the model's own; fp32 for source)")
    g.add_argument("--optimizer", choices=list(OPTIMIZERS), help="add training memory: gradients, optimizer states, fp32 master weights for 16-bit")
    g.add_argument("--memory", action="store_true", help="show the memory section (implied by --dtype, --optimizer, --max-memory)")
    g.add_argument("--units", choices=["binary", "decimal"], default="binary", help="bytes as MiB = 2^20 (default) or MB = 10^6")
    g.add_argument("--columns", type=column_list, metavar="LIST", help=f"table columns, of {','.join(COLUMNS)} (default: those that apply)")
    g.add_argument("--max-params", metavar="N", help="budget: exit 1 when the model has more parameters (e.g. 10M)")
    g.add_argument("--max-memory", metavar="SIZE", help="budget: exit 1 when memory needs more (e.g. 16GB, 24GiB); training memory with --optimizer")


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more; got {text!r:.40}")
    return int(text)


def column_list(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in COLUMNS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown column {unknown[0] if unknown else text!r:.40}; the columns are {', '.join(COLUMNS)}")
    return names


def render(report: Report, fmt: str, view: View) -> str:
    # each renderer (and rich, for the table) is imported only when its format is asked for: start-up time
    if fmt == "json":
        from ..render.json import render_json

        return render_json(report, view)
    if fmt == "markdown":
        from ..render.markdown import render_markdown

        return render_markdown(report, view)
    from ..render.table import render_text

    return render_text(report, view, color=sys.stdout.isatty())


def list_models(found: list[Found]) -> str:
    lines = []
    for f in found:
        if f.graph is None:
            lines.append(f"{f.name}: not built ({f.error.message if f.error else 'no input shape'})")
            continue
        report = infer(f.graph)
        total = report.total if isinstance(report.total, int) else str(report.total)
        total_text = (f"{total:,}" if isinstance(total, int) else total) if report.complete else f"at least {total:,}" if isinstance(total, int) else f"at least {total}"
        lines.append(f"{f.name}: {f.graph.meta.get('model_type', f.graph.framework)} '{f.graph.name}', {total_text} parameters")
    return "\n".join(lines) + "\n"


def project_listing(args: argparse.Namespace, found: list[Found]) -> bool:
    """`paramwise DIR` on a project folder lists the models its files build, unless --model names one."""
    return args.model is None and os.path.isdir(args.path) and any(
        f.graph is not None and "project" in f.graph.meta for f in found)


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.run:  # the limits bound the process that runs the code (frontends/live/run.py), not this one
        return summarize(args)
    with read_limits(args):
        return summarize(args)


def summarize(args: argparse.Namespace) -> int:
    if args.symbolic is not None:
        return run_symbolic(args)
    if args.as_framework:
        return run_as(args)
    with Progress(f"{'running' if args.run else 'reading'} {args.path}", sys.stderr, enabled=args.format != "json"):
        report, found = run_report(args) if args.run else load_report(args)
    if args.list or project_listing(args, found):
        sys.stdout.write(list_models(found))
        return EXIT_OK
    shown = args.depth if args.depth is not None else report.meta.get("depth", 0)  # a reader may open its rows further
    width = args.width or terminal_width(sys.stdout)
    view = View(depth=None if args.expand else shown, explain=args.explain, width=width, columns=args.columns)
    max_params = parse_amount(args.max_params, "--max-params", COUNT_SUFFIX) if args.max_params else None
    max_memory = parse_amount(args.max_memory, "--max-memory", BYTE_SUFFIX) if args.max_memory else None
    settings = Settings(dtype=args.dtype, optimizer=args.optimizer, units=args.units, batch=args.batch,
                        memory=args.memory or max_memory is not None, seq_len=args.seq_len)
    report = with_cost(with_pitfalls(report), settings)
    sys.stdout.write(render(report, args.format, view))
    sys.stdout.flush()
    print_warnings(report.warnings, args.quiet, args.width or terminal_width(sys.stderr))
    overruns = budget_overruns(report, max_params, max_memory, args.units)
    for line in overruns:
        print(f"over budget: {line}", file=sys.stderr)
    return strict_exit(report, args.strict) or (EXIT_CHECK_FAILED if overruns else EXIT_OK)


def run_result(args: argparse.Namespace) -> RunResult:
    """`--run`: say once that the code runs, run it in a separate process, and relay what it prints to stderr."""
    from ..frontends.live.run import RunLimits, read_run

    if args.run_timeout is not None and not (args.run_timeout >= 0 and args.run_timeout < float("inf")):
        raise ParamwiseError(f"--run-timeout takes seconds >= 0; got {args.run_timeout:g}", hint="0: no time limit")
    seconds = args.run_timeout if args.run_timeout is not None else \
        0.0 if args.no_limits else limit_from_env(ENV_SECONDS, DEFAULT_SECONDS)
    limits = RunLimits(seconds, 0.0 if args.no_limits else limit_from_env(ENV_MEGABYTES, DEFAULT_MEGABYTES))
    if not args.quiet:
        print(f"note: --run imports {args.path} and runs its code in a separate process (time limit "
              f"{f'{seconds:g} s' if seconds else 'none'}); use it only on code you trust", file=sys.stderr)
    return read_run(args.path, read_options(args), limits, echo=sys.stderr.write)


def run_report(args: argparse.Namespace) -> tuple[Report, list[Found]]:
    result = run_result(args)
    return result.report(), result.found


def run_graph(args: argparse.Namespace) -> tuple[Graph, Report]:
    result = run_result(args)
    return result.found[result.chosen].require(), result.report()


def run_symbolic(args: argparse.Namespace) -> int:
    """The `--symbolic` view of the summary command."""
    if args.run:
        raise ParamwiseError("--symbolic reads the source without running it; it does not take --run",
                             hint="drop --run for the count as a formula")
    from ..render.fit import fit_text
    from ..render.symbolic import render_symbolic, symbolic_json
    from ..teach.symbolic import read_symbolic
    from ..teach.symbolic import summarize as summarize_symbolic

    names = [n.strip() for n in args.symbolic.split(",") if n.strip()]
    path, options = target_options(args)
    report = read_symbolic(path, names, options)
    summary = summarize_symbolic(report, names)
    if args.format == "json":
        sys.stdout.write(json.dumps(symbolic_json(summary), indent=2) + "\n")
    else:
        sys.stdout.write(fit_text(render_symbolic(summary), args.width or terminal_width(sys.stdout)))
    print_warnings(report.warnings, args.quiet, args.width or terminal_width(sys.stderr))
    return strict_exit(report, args.strict) or EXIT_OK


def run_as(args: argparse.Namespace) -> int:
    """The `--as keras|torch` view of the summary command."""
    from ..render.conversion import render_conversion
    from ..render.fit import fit_text
    from ..teach.convert import FRAMEWORK_NAMES, OTHER, convert_report

    graph, report = run_graph(args) if args.run else load(args)
    if args.as_framework == report.framework:
        raise ParamwiseError(
            f"the model is already read as {FRAMEWORK_NAMES[report.framework]}",
            hint=f"--as {OTHER[report.framework]} counts it in the other framework's conventions",
        )
    sys.stdout.write(fit_text(render_conversion(report, convert_report(graph, report)), args.width or terminal_width(sys.stdout)))
    print_warnings(report.warnings, args.quiet, args.width or terminal_width(sys.stderr))
    return strict_exit(report, args.strict) or EXIT_OK
