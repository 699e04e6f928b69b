"""How often paramwise's static PyTorch reader agrees with real torch on model code nobody on the team wrote.

The collection is not part of the repository (third-party code). Each file in the folder named by
PARAMWISE_TORCH_WILD_DIR is a model definition with a header:

    # source: <where it comes from>
    # model: <expression that builds the model, e.g. GPT(GPTConfig(n_layer=2))>
    # input-shape: 1,3,32,32            (optional)

paramwise reads a copy of the text with `model = <expression>` appended (statically, nothing executed); the same
text is then executed with real torch (trusted, here only) to build the oracle. Totals, trainable, buffers and
per-module counts by dotted name are compared as tests/torch_oracle.py compares them.

Run on purpose:  PARAMWISE_TORCH_WILD_DIR=/work/wild-torch python benchmarks/torch_wild_agreement.py
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import paramwise  # noqa: E402
from torch_oracle import build, compare, module_counts, owned, owned_buffers  # noqa: E402

HEADER = re.compile(r"^#\s*(model|input-shape|source):\s*(.+?)\s*$", re.M)


@dataclass
class Outcome:
    totals_ok: bool
    modules_ok: int
    modules_all: int
    note: str


def header(text: str) -> dict[str, str]:
    return {key: value for key, value in HEADER.findall(text)}


def with_model(text: str, expression: str) -> str:
    return f"{text.rstrip()}\n\n\nmodel = {expression}\n"


def built(path: Path, text: str) -> Any:
    """The model real torch builds from the text (trusted code, executed in this benchmark only)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text)
        with contextlib.redirect_stdout(io.StringIO()):
            return build(copy)["model"]


def read(path: Path, text: str, shape: tuple[int, ...] | None) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text)
        return paramwise.read(str(copy), model="model", input_shape=shape)


def module_agreement(report: Any, model: Any) -> tuple[int, int]:
    """(modules whose (params, trainable, buffers) row agrees, modules torch lists), by dotted name."""
    rows = {r.name: r for r in report.rows}
    owners, buffer_owners = owned(model), owned_buffers(model)
    names = [(n, m) for n, m in model.named_modules() if n]
    agree = 0
    for name, module in names:
        row = rows.get(name)
        if row is not None and (row.params, row.trainable_params, row.buffers or 0) == module_counts(
                model, name, module, owners, buffer_owners):
            agree += 1
    return agree, len(names)


def measure(path: Path) -> Outcome:
    source = path.read_text()
    head = header(source)
    if "model" not in head:
        return Outcome(False, 0, 0, "no '# model:' header")
    text = with_model(source, head["model"])
    shape = tuple(int(d) for d in head["input-shape"].split(",")) if "input-shape" in head else None
    try:
        model = built(path, text)
    except Exception as e:  # the oracle itself cannot build this text
        return Outcome(False, 0, 0, f"torch: {type(e).__name__}: {e}")
    count = len([n for n, _ in model.named_modules() if n])
    try:
        report = read(path, text, shape)
    except Exception as e:
        return Outcome(False, 0, count, f"paramwise: {type(e).__name__}: {getattr(e, 'message', e)}")
    problems = compare(report, model)
    totals = [p for p in problems if p.split(":")[0] in ("total", "trainable", "buffers")]
    agree, count = module_agreement(report, model)
    stopped = [w.message for w in report.warnings if w.code == "forward_not_followed"]
    note = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
    if stopped and shape is not None:
        note += ("; " if note else "") + "forward not followed"
    return Outcome(not totals, agree, count, note)


def main() -> int:
    folder = os.environ.get("PARAMWISE_TORCH_WILD_DIR")
    if not folder or not Path(folder).is_dir():
        print("set PARAMWISE_TORCH_WILD_DIR to a folder of model files (see this file's docstring)")
        return 2
    files = sorted(Path(folder).glob("*.py"))
    totals = modules_ok = modules_all = 0
    for path in files:
        out = measure(path)
        totals += out.totals_ok
        modules_ok += out.modules_ok
        modules_all += out.modules_all
        print(f"{'ok  ' if out.totals_ok else 'FAIL'} {path.stem:32} modules {out.modules_ok}/{out.modules_all} "
              f"{out.note}")
    print(f"\ntotals agree: {totals}/{len(files)} ({100 * totals / max(len(files), 1):.1f}%)")
    print(f"per-module counts agree: {modules_ok}/{modules_all} ({100 * modules_ok / max(modules_all, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
