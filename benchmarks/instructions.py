"""The start, counted in instructions: the same commands as the start goals of `speed.py`, each run once under
valgrind's callgrind, which counts the instructions the process executes (its "Ir"). Unlike wall-clock time,
the count does not change with the load of a shared machine (two runs agree within 0.1 %), so it shows what a
change did to the start where times on a busy machine cannot; the goals themselves are still the times of
`speed.py`.

Run on purpose: `python benchmarks/instructions.py [--only json,table,resnet18]`. Needs `valgrind` on PATH
(Debian: `apt-get install valgrind`); each command runs about 50 times slower under it. Bytecode is written
first (one untimed run with PYTHONDONTWRITEBYTECODE unset), so the count is that of a normal start.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import PYTHON, RESNET18, ROOT, paramwise_command  # noqa: E402

CNN = str(ROOT / "examples" / "mnist_cnn.py")


def environment() -> dict[str, str]:
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def instructions(command: list[str]) -> int:
    """The instructions `command` executes (callgrind's total Ir), after one untimed run that writes bytecode."""
    subprocess.run(command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=1800)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count for {' '.join(command)}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="json,table,resnet18", help="json, table, resnet18 (comma-separated)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    chosen = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as folder:
        resnet = Path(folder) / "resnet18.py"
        resnet.write_text(RESNET18)
        cases = [("python -c pass", [PYTHON, "-c", "pass"]),
                 ("python -c 'import re, ast, json, argparse' and a parser (the floor of a source read)",
                  [PYTHON, "-c", "import re, ast, json, argparse; argparse.ArgumentParser().parse_args([])"])]
        if "json" in chosen:
            cases.append(("paramwise examples/mnist_cnn.py --format json", [*paramwise_command(), CNN, "--format", "json"]))
        if "table" in chosen:
            cases.append(("paramwise examples/mnist_cnn.py", [*paramwise_command(), CNN]))
        if "resnet18" in chosen:
            cases.append(("paramwise resnet18.py --input-shape 1,3,224,224",
                          [*paramwise_command(), str(resnet), "--input-shape", "1,3,224,224"]))
        counts = [(shown, instructions(command)) for shown, command in cases]
    bare = counts[0][1]
    print("| command | instructions | × python -c pass |\n|---|---:|---:|")
    for shown, count in counts:
        print(f"| {shown} | {count / 1e6:,.1f} M | {count / bare:.1f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
