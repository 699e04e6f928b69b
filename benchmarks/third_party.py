"""paramwise against the real frameworks on third-party model code: exact, or honest that it is not.

The collection is not part of the repository (third-party code). PARAMWISE_BENCH_DIR (default /work/bench10)
holds `keras/` and `torch/`, one model definition per file, each beginning with a header:

    # source: <owner/repo>/<path>@<commit>
    # model: <expression that builds the model; Keras: a variable the file defines, or an expression>
    # input-shape: 1,3,32,32            (optional; PyTorch with the batch, Keras without it)

The framework's answer (the truth) is built by running the text with `model = <expression>` appended (trusted
code, executed here only, in a child process) and cached beside the file as NAME.truth.json. paramwise reads the
same text in a child process, `python -m paramwise COPY:model --format json --expand` (the file read as an imported
module, as the truth imports it: neither runs its `if __name__ == "__main__":` block), with
PYTHONPATH=<--src> (default: this checkout's src), and every file gets exactly one class:

    exact         exit 0, totals equal and every per-layer count equal
    total-only    exit 0, total equal, some layer (or the trainable / buffer total) differs
    refused       exit 2 with a located error (file:line:col)
    incomplete    exit 0 and the JSON says "complete": false (a missing field reads as complete)
    warned-wrong  exit 0, total differs, complete, at least one warning (forward_not_followed, whose hint says
                  the counts are exact, is not a warning about the count and does not count here)
    SILENT-WRONG  exit 0, total differs, complete, no such warning
    crash         any other exit (an unlocated exit 2 included) or a timeout

Per-layer rows are compared as tests/torch_oracle.py (modules by dotted name) and tests/keras_oracle.py (top-level
layers) compare them; output shapes are compared where the truth has them, and reported apart from the classes.

    python benchmarks/third_party.py                                   the live checkout
    python benchmarks/third_party.py --src /work/baseline/src --markdown /work/bench10/baseline.md
    python benchmarks/third_party.py /work/bench10/torch/003_vgg.py    some files or folders only
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
SRC = HERE.parent / "src"
DEFAULT_DIR = "/work/bench10"
FRAMEWORKS = ("keras", "torch")
CLASSES = ("exact", "total-only", "refused", "incomplete", "warned-wrong", "SILENT-WRONG", "crash")
HEADER = re.compile(r"^#\s*(source|model|input-shape):\s*(.+?)\s*$", re.M)
LOCATED = re.compile(r":\d+:\d+: error\b")
READ_TIMEOUT = 60
COUNT_NEUTRAL = frozenset({"forward_not_followed"})  # warnings that say the counts are exact
TRUTH_TIMEOUT = 600


@dataclass
class Case:
    path: Path
    framework: str
    model: str
    input_shape: tuple[int, ...] | None
    source: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def truth_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".truth.json")

    @property
    def text(self) -> str:
        """The file with the line that names the model appended (nothing when the header names a variable)."""
        source = self.path.read_text()
        if self.framework == "keras" and self.model.isidentifier():
            return source
        return f"{source.rstrip()}\n\n\nmodel = {self.model}\n"

    @property
    def model_name(self) -> str:
        return self.model if self.framework == "keras" and self.model.isidentifier() else "model"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


@dataclass
class Result:
    case: Case
    cls: str = "crash"
    note: str = ""
    layers_ok: int = 0
    layers_all: int = 0
    shapes_ok: int = 0
    shapes_all: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def load(path: Path, framework: str | None = None) -> Case | None:
    text = path.read_text(errors="replace")
    head = dict(HEADER.findall(text))
    if "model" not in head:
        return None
    framework = framework or ("keras" if path.parent.name == "keras" else "torch")
    shape = tuple(int(d) for d in head["input-shape"].split(",")) if "input-shape" in head else None
    return Case(path, framework, head["model"], shape, head.get("source", "?"))


# ---- the truth: built by the framework in a child process, cached as JSON ----

def torch_truth(case: Case, copy: Path) -> dict[str, Any]:
    from torch_oracle import build, module_counts, output_shapes, owned, owned_buffers

    with contextlib.redirect_stdout(io.StringIO()):
        model = build(copy)["model"]
    owners, buffer_owners = owned(model), owned_buffers(model)
    modules = {name: list(module_counts(model, name, module, owners, buffer_owners))
               for name, module in model.named_modules() if name}
    truth: dict[str, Any] = {
        "framework": "torch",
        "total": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "modules": modules,
        "names": sorted({n for n, _ in model.named_modules(remove_duplicate=False)}
                        | {n for n, _ in model.named_parameters(remove_duplicate=False)}
                        | {n for n, _ in model.named_buffers(remove_duplicate=False)}),
        "shapes": None,
    }
    if case.input_shape is not None:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                seen = output_shapes(model, case.input_shape)
            truth["shapes"] = {name: json_shape(calls[0]) for name, calls in seen.items() if name}
        except Exception as e:  # the model's own forward fails on zeros of this shape
            truth["shapes_error"] = f"{type(e).__name__}: {e}"[:300]
    return truth


def json_shape(shape: Any) -> Any:
    if isinstance(shape, tuple):
        return list(shape)
    if isinstance(shape, list):
        return [json_shape(s) for s in shape]
    return shape


def keras_truth(case: Case, copy: Path) -> dict[str, Any]:
    from keras_oracle import figures
    from wild_cases import WildCase, build_case

    with contextlib.redirect_stdout(io.StringIO()):
        model = build_case(WildCase(copy, model=case.model_name, input_shape=case.input_shape))
        found = figures(model)
    # the layout /work/bench10/tools/keras_truth.py writes too, so either tool's cache serves the other
    return {
        "framework": "keras",
        "model": case.model,
        "input_shape": list(case.input_shape) if case.input_shape else None,
        "model_class": type(model).__name__,
        "total": found["count_params"],
        "trainable": found["trainable"],
        "non_trainable": found["count_params"] - found["trainable"],
        "layers": [{"name": layer["name"], "class": type(obj).__name__, "params": layer["count_params"],
                    "weights": layer["weights"], "output_shape": layer["output_shape"],
                    "multi_output": layer["multi_output"]} for layer, obj in zip(found["layers"], model.layers)],
    }


def keras_figures(truth: dict[str, Any]) -> dict[str, Any]:
    """A cached Keras truth as the figures tests/keras_oracle.py compares."""
    return {
        "count_params": truth["total"],
        "trainable": truth["trainable"],
        "layers": [{"name": layer["name"], "count_params": layer["params"], "weights": layer["weights"],
                    "output_shape": layer["output_shape"], "multi_output": layer["multi_output"]}
                   for layer in truth["layers"]],
    }


def build_truth(path: Path) -> int:
    """Child process: build one file's truth and write it beside the file (exit 1 with the reason on failure)."""
    sys.path.insert(0, str(TESTS))
    os.environ.setdefault("KERAS_BACKEND", "torch")
    case = load(path)
    if case is None:
        print("no '# model:' header", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(case.text)
        cwd = os.getcwd()
        os.chdir(tmp)  # a file that writes next to itself writes into the temporary folder
        try:
            truth = torch_truth(case, copy) if case.framework == "torch" else keras_truth(case, copy)
        finally:
            os.chdir(cwd)
    truth["digest"] = case.digest
    case.truth_path.write_text(json.dumps(truth, indent=1) + "\n")
    return 0


def truth_of(case: Case, rebuild: bool) -> tuple[dict[str, Any] | None, str]:
    if case.truth_path.exists() and not rebuild:
        cached = json.loads(case.truth_path.read_text())
        # a truth without a digest was made by the collection's own tool (which knows what the text needs): kept
        if cached.get("digest", case.digest) == case.digest:
            return cached, ""
    try:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build-truth", str(case.path)],
                              capture_output=True, text=True, timeout=TRUTH_TIMEOUT, env=child_env(None))
    except subprocess.TimeoutExpired:
        return None, f"the framework did not build it in {TRUTH_TIMEOUT} s"
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return None, (lines[-1] if lines else f"exit {done.returncode}")[:300]
    return json.loads(case.truth_path.read_text()), ""


def child_env(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["KERAS_BACKEND"] = "torch"
    env["PYTHONWARNINGS"] = "ignore"
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


# ---- paramwise's reading: a child process, its JSON ----

def run_paramwise(case: Case, src: Path) -> tuple[int | None, str, str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / case.path.name
        copy.write_text(case.text)
        # COPY.py:NAME reads the file as an imported module, as the truth is built (runpy with another run_name):
        # its `if __name__ == "__main__":` block does not run in either
        command = [sys.executable, "-m", "paramwise", f"{copy}:{case.model_name}", "--format", "json", "--expand"]
        if case.input_shape is not None:
            command += ["--input-shape", ",".join(str(d) for d in case.input_shape)]
        start = time.monotonic()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=READ_TIMEOUT,
                                  env=child_env(src), cwd=tmp)
        except subprocess.TimeoutExpired:
            return None, "", "", time.monotonic() - start
        # messages name the file the user has, not the temporary copy (its lines are the same)
        err = done.stderr.replace(str(copy), case.path.name)
        return done.returncode, done.stdout, err, time.monotonic() - start


def as_report(data: dict[str, Any]) -> Any:
    """paramwise's JSON as the report object tests/keras_oracle.py compares (rows with their weights)."""
    rows = []
    for layer in data.get("layers", []):
        weights = [SimpleNamespace(shape=tuple(w["shape"]) if w.get("shape") is not None else None,
                                   is_buffer=bool(w.get("buffer"))) for w in layer.get("weights", [])]
        shape = layer.get("output_shape")
        rows.append(SimpleNamespace(name=layer["name"], type=layer.get("type"), params=layer.get("params"),
                                    trainable_params=layer.get("trainable_params"),
                                    buffers=layer.get("buffers") or 0, depth=layer.get("depth", 0),
                                    raw_shape=shape, output_shape=report_shape(shape), weight_objects=weights,
                                    calls=1))
    return SimpleNamespace(total=data.get("total"), trainable=data.get("trainable"),
                           buffers=data.get("buffers") or 0, rows=rows, model=data.get("model"))


def report_shape(shape: Any) -> Any:
    """A JSON output shape as paramwise's Row holds it: a tuple, or a list of tuples for several outputs."""
    if not isinstance(shape, list):
        return shape
    if all(isinstance(s, list) for s in shape) and shape:
        return [tuple(s) for s in shape]
    return tuple(shape)


def compare_torch(report: Any, truth: dict[str, Any], result: Result) -> tuple[list[str], list[str]]:
    """(count problems, shape problems), as tests/torch_oracle.py's compare and compare_shapes find them."""
    problems = []
    for what in ("total", "trainable", "buffers"):
        if getattr(report, what) != truth[what]:
            problems.append(f"{what}: paramwise {getattr(report, what)}, torch {truth[what]}")
    rows = {r.name: r for r in report.rows}
    for name, want in truth["modules"].items():
        result.layers_all += 1
        row = rows.get(name)
        if row is None:
            problems.append(f"{name}: a module torch lists but paramwise does not")
        elif [row.params, row.trainable_params, row.buffers] != want:
            problems.append(f"{name}: (params, trainable, buffers) paramwise "
                            f"{(row.params, row.trainable_params, row.buffers)}, torch {tuple(want)}")
        else:
            result.layers_ok += 1
    names = set(truth["names"])
    for r in report.rows:
        if r.name not in names and r.depth >= 0 and r.name != report.model:
            problems.append(f"{r.name}: a row paramwise shows but torch has no such module or tensor")
    shapes = []
    for name, want in (truth.get("shapes") or {}).items():
        if name not in truth["modules"]:
            continue
        result.shapes_all += 1
        row = rows.get(name)
        got = row.raw_shape if row is not None else None
        if is_shape(want) and isinstance(got, list) and got and all(isinstance(g, list) for g in got):
            got = got[0]  # a module called more than once: torch's hook saw its first call
        elif isinstance(want, list) and want and all(isinstance(w, list) or w is None for w in want):
            if isinstance(got, list) and len(got) == len(want) and all(isinstance(g, list) or g is None for g in got):
                got = [g if w is not None else None for g, w in zip(got, want)]
            if len(want) == 1:
                want = want[0]
        if got == want:
            result.shapes_ok += 1
        else:
            shapes.append(f"{name}: output shape paramwise {got}, torch {want}")
    return problems, shapes


def is_shape(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(d, int) for d in value)


def compare_keras(report: Any, truth: dict[str, Any], result: Result) -> tuple[list[str], list[str]]:
    from keras_oracle import compare_figures, paired_rows

    truth = keras_figures(truth)
    found = compare_figures(report, truth)
    for layer, row in paired_rows([r for r in report.rows if r.depth == 0], truth["layers"]):
        result.layers_all += 1
        result.layers_ok += row is not None and row.params == layer["count_params"] and not any(
            p.startswith(f"{layer['name']}: weights") for p in found)
        if layer["output_shape"] is not None:
            result.shapes_all += 1
            result.shapes_ok += row is not None and not any(
                p.startswith(f"{layer['name']}: output shape") for p in found)
    shapes = [p for p in found if ": output shape " in p]
    return [p for p in found if p not in shapes], shapes


def measure(case: Case, src: Path, rebuild: bool) -> Result:
    """The file's class ("no-truth" when the framework itself cannot build the file)."""
    result = Result(case)
    truth, why = truth_of(case, rebuild)
    if truth is None:
        result.cls, result.note = "no-truth", why
        return result
    code, out, err, result.seconds = run_paramwise(case, src)
    if code is None:
        result.cls, result.note = "crash", f"timeout after {READ_TIMEOUT} s"
        return result
    if code != 0:
        errors = [line for line in err.splitlines() if "error" in line.lower()]
        message = errors[0] if errors else (err.strip().splitlines() or [""])[-1]
        located = code == 2 and LOCATED.search(err) is not None
        result.cls = "refused" if located else "crash"
        result.note = (f"exit {code}: " if not located else "") + trim(message)
        return result
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        result.cls, result.note = "crash", "exit 0 without JSON"
        return result
    report = as_report(data)
    sys.path.insert(0, str(TESTS))
    compare = compare_torch if case.framework == "torch" else compare_keras
    try:
        problems, shapes = compare(report, truth, result)
    except Exception as e:  # a report this benchmark cannot compare: say so rather than stop the run
        result.cls, result.note = "crash", trim(f"benchmark could not compare: {type(e).__name__}: {e}")
        return result
    result.problems = problems + shapes
    total_ok = report.total == truth["total"]
    warnings = [w for w in data.get("warnings") or [] if w.get("code") not in COUNT_NEUTRAL]
    if data.get("complete", True) is False:
        result.cls = "incomplete"
        unread = data.get("unread") or []
        result.note = trim(unread[0].get("what", "") if unread else "complete: false")
        if total_ok and not problems:
            result.note = "(counts equal) " + result.note
    elif not total_ok:
        result.cls = "warned-wrong" if warnings else "SILENT-WRONG"
        first = problems[0] if problems else ""
        result.note = trim(first + (f"; warning: {warnings[0].get('message', '')}" if warnings else ""))
    elif problems:
        result.cls = "total-only"
        result.note = trim(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
    else:
        result.cls = "exact"
    if shapes and result.cls in ("exact", "total-only"):
        result.note = trim((result.note + "; " if result.note else "") + shapes[0])
    return result


def trim(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


# ---- the collection, the run, the summaries ----

def collect(targets: list[str]) -> tuple[list[Case], list[Path]]:
    paths: list[tuple[Path, str | None]] = []
    if not targets:
        root = Path(os.environ.get("PARAMWISE_BENCH_DIR", DEFAULT_DIR))
        targets = [str(root / f) for f in FRAMEWORKS if (root / f).is_dir()] or [str(root)]
    for target in targets:
        p = Path(target)
        files = sorted(p.glob("*.py")) if p.is_dir() else [p]
        paths += [(f, None) for f in files]
    cases, skipped = [], []
    for path, framework in paths:
        case = load(path, framework)
        if case is None:
            skipped.append(path)
        else:
            cases.append(case)
    return cases, skipped


def line(result: Result) -> str:
    layers = f"layers {result.layers_ok}/{result.layers_all}"
    shapes = f"shapes {result.shapes_ok}/{result.shapes_all}" if result.shapes_all else "shapes -"
    return (f"{result.cls:12} {result.case.framework:5} {result.case.name:36} {layers:15} {shapes:14} "
            f"{result.seconds:5.1f}s  {result.note}")


def summary(results: list[Result], framework: str) -> dict[str, Any]:
    mine = [r for r in results if r.case.framework == framework]
    measured = [r for r in mine if r.cls != "no-truth"]
    counts = {c: sum(r.cls == c for r in measured) for c in CLASSES}
    with_shapes = [r for r in measured if r.shapes_all]
    return {
        "files": len(mine),
        "measured": len(measured),
        "no_truth": [r for r in mine if r.cls == "no-truth"],
        "counts": counts,
        "layers": (sum(r.layers_ok for r in measured), sum(r.layers_all for r in measured)),
        "shapes": (sum(r.shapes_ok for r in measured), sum(r.shapes_all for r in measured)),
        "shape_files": (sum(r.shapes_ok == r.shapes_all for r in with_shapes), len(with_shapes)),
        "listed": {c: [r for r in measured if r.cls == c] for c in ("SILENT-WRONG", "crash")},
    }


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def print_summary(results: list[Result]) -> None:
    for framework in FRAMEWORKS:
        s = summary(results, framework)
        if not s["files"]:
            continue
        n = s["measured"]
        print(f"\n{framework}: {s['files']} files, {n} measured"
              + (f", {len(s['no_truth'])} the framework cannot build" if s["no_truth"] else ""))
        for c in CLASSES:
            print(f"  {c:13} {s['counts'][c]:4}  {pct(s['counts'][c], n):>6}")
        print(f"  per-layer rows agree: {s['layers'][0]}/{s['layers'][1]} ({pct(*s['layers'])})")
        print(f"  output shapes agree:  {s['shapes'][0]}/{s['shapes'][1]} ({pct(*s['shapes'])}); "
              f"files with every shape right: {s['shape_files'][0]}/{s['shape_files'][1]}")
        for c, rs in s["listed"].items():
            for r in rs:
                print(f"  {c}: {r.case.name}: {r.note}")


def markdown(results: list[Result], src: Path, root: str) -> str:
    out = ["# paramwise on third-party model code\n", f"Folder `{root}`, paramwise from `{src}`, "
           f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"]
    sums = {f: summary(results, f) for f in FRAMEWORKS}
    shown = [f for f in FRAMEWORKS if sums[f]["files"]]
    out.append("| class | " + " | ".join(shown) + " |")
    out.append("|---|" + "---:|" * len(shown))
    for c in CLASSES:
        cells = [f"{sums[f]['counts'][c]} ({pct(sums[f]['counts'][c], sums[f]['measured'])})" for f in shown]
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    out.append("| **files measured** | " + " | ".join(str(sums[f]["measured"]) for f in shown) + " |")
    out.append("| per-layer rows agree | " + " | ".join(
        f"{sums[f]['layers'][0]}/{sums[f]['layers'][1]} ({pct(*sums[f]['layers'])})" for f in shown) + " |")
    out.append("| output shapes agree | " + " | ".join(
        f"{sums[f]['shapes'][0]}/{sums[f]['shapes'][1]} ({pct(*sums[f]['shapes'])})" for f in shown) + " |")
    out.append("| files with every shape right | " + " | ".join(
        f"{sums[f]['shape_files'][0]}/{sums[f]['shape_files'][1]}" for f in shown) + " |")
    for f in shown:
        for c, rs in sums[f]["listed"].items():
            if rs:
                out.append(f"\n**{f} {c}** ({len(rs)}):\n")
                out += [f"- `{r.case.name}`: {r.note}" for r in rs]
        if sums[f]["no_truth"]:
            out.append(f"\n**{f}: the framework itself cannot build** ({len(sums[f]['no_truth'])}):\n")
            out += [f"- `{r.case.name}`: {r.note}" for r in sums[f]["no_truth"]]
    out.append("\n## Every file\n")
    out.append("| file | class | layers | shapes | note |")
    out.append("|---|---|---|---|---|")
    for r in results:
        shapes = f"{r.shapes_ok}/{r.shapes_all}" if r.shapes_all else "-"
        note = r.note.replace("|", "\\|")
        out.append(f"| {r.case.framework}/{r.case.name} | {r.cls} | {r.layers_ok}/{r.layers_all} | {shapes} | {note} |")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="files or folders (default: $PARAMWISE_BENCH_DIR/{keras,torch})")
    parser.add_argument("--src", default=str(SRC), help="the paramwise source folder to measure (PYTHONPATH)")
    parser.add_argument("--markdown", metavar="FILE", help="write a markdown summary here")
    parser.add_argument("--jobs", type=int, default=1, help="files read at the same time")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached truths")
    parser.add_argument("--verbose", action="store_true", help="print every difference of every file")
    parser.add_argument("--build-truth", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_truth:
        return build_truth(Path(args.build_truth))
    cases, skipped = collect(args.targets)
    for path in skipped:
        print(f"skipped {path}: no '# model:' header")
    if not cases:
        print("no model files (set PARAMWISE_BENCH_DIR or name files; see this file's docstring)")
        return 2
    src = Path(args.src).resolve()
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for result in pool.map(lambda c: measure(c, src, args.rebuild), cases):
            results.append(result)
            print(line(result), flush=True)
            if args.verbose:
                for p in result.problems:
                    print(f"    {p}")
    print_summary(results)
    if args.markdown:
        root = os.environ.get("PARAMWISE_BENCH_DIR", DEFAULT_DIR) if not args.targets else " ".join(args.targets)
        Path(args.markdown).write_text(markdown(results, src, root))
        print(f"\nwrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
