"""The hostile-input corpus (tests/hostile) through the installed `paramwise` command: no input runs code or
leaks the environment, and every input gets an answer (exit 0-3, an error for what is no model) without a
traceback, a signal, more than 10 s or more than 1 GB.

By default the slice of the corpus that covers every class and every group of it (about 85 cases, about a
minute on two quiet cores); PARAMWISE_HOSTILE=all runs all of it (benchmarks/hostile.py prints its figures).
Each case is one test named by its id, so a failure names the input and says what broke. Time is judged in
CPU seconds (a test machine is busy with other work; see tests/hostile/runner.py), or in wall-clock seconds
with PARAMWISE_HOSTILE_STRICT_WALL=1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from hostile.make_corpus import FORMS, Case, corpus, fast_slice, files, group, with_canary
from hostile.runner import Result, run_case, run_cases

ALL = corpus()
CASES = ALL if os.environ.get("PARAMWISE_HOSTILE") == "all" else fast_slice(ALL)
CLASSES = {"exec", "value", "malformed", "random", "bomb", "leak", "notfile", "output"}


# Tests share the machine with other work: time is judged in CPU seconds unless PARAMWISE_HOSTILE_STRICT_WALL=1
STRICT_WALL = os.environ.get("PARAMWISE_HOSTILE_STRICT_WALL") == "1"


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest) -> dict[str, Result]:
    """Every selected case, run once, two at a time (`-k` selects cases by id)."""
    wanted = {item.callspec.params["case_id"] for item in request.session.items
              if item.originalname == "test_hostile_input" and hasattr(item, "callspec")}
    return {r.case.id: r for r in run_cases([c for c in CASES if c.id in wanted], jobs=2, strict_wall=STRICT_WALL)}


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_hostile_input(case_id: str, results: dict[str, Result]) -> None:
    result = results[case_id]
    assert result.passed, result.describe()


def test_the_corpus_is_wide_and_the_slice_covers_it() -> None:
    assert len(ALL) >= 300
    assert len({c.id for c in ALL}) == len(ALL)
    assert {c.cls for c in ALL} == CLASSES
    assert {group(c) for c in fast_slice(ALL)} == {group(c) for c in ALL}
    assert all(c.expect in ("error", "ok", "any") for c in ALL)


# -- the yardstick measures: a stand-in command that breaks each rule is caught breaking it ----------------

FAKE = """
import os, sys, time
what, path = sys.argv[1], sys.argv[-1]
if what == "run":
    exec(open(path).read())
elif what == "leak":
    print(os.environ["PARAMWISE_HOSTILE_SECRET"])
elif what == "sleep":
    time.sleep(30)
elif what == "nap":
    time.sleep(1)
    print("error: not a model", file=sys.stderr)
    sys.exit(2)
elif what == "spin":
    while True:
        pass
elif what == "hog":
    block = bytearray(400 * 2**20)
    time.sleep(1)
elif what == "crash":
    raise RuntimeError("boom")
elif what == "segfault":
    import signal
    os.kill(os.getpid(), signal.SIGSEGV)
elif what == "internal":
    sys.exit(4)
elif what == "repr":
    print(object(), file=sys.stderr)
    sys.exit(2)
elif what == "accept":
    print("Total params: 5")
else:
    print("error: not a model", file=sys.stderr)
    sys.exit(2)
"""


def judge(tmp_path: Path, what: str, case: Case, **limits: Any) -> Result:
    return run_case(case, tmp_path, [sys.executable, "-c", FAKE, what], **limits)


def bad_model(name: str) -> Case:
    return Case(f"exec/self-test/{name}", files({"model.py": with_canary(f"import os\nos.system('touch @C@')\n# {FORMS['or2']}\n")}))


@pytest.mark.parametrize(("what", "limits", "problem"), [
    ("run", {}, "CODE EXECUTED"),
    ("leak", {}, "LEAK"),
    ("sleep", {"limit_s": 1.0}, "timeout"),
    ("spin", {"limit_s": 1.0, "strict_wall": False}, "timeout"),
    ("hog", {"limit_mb": 100.0}, "memory"),
    ("crash", {}, "traceback in stderr"),
    ("segfault", {}, "signal 11"),
    ("internal", {}, "exit 4"),
    ("repr", {}, "internal repr"),
    ("accept", {}, "expected an error"),
])
def test_the_runner_catches_each_broken_rule(tmp_path: Path, what: str, limits: dict[str, Any], problem: str) -> None:
    result = judge(tmp_path, what, bad_model(what), **limits)
    assert not result.passed
    assert any(problem in p for p in result.problems()), result.problems()


def test_a_late_answer_within_the_cpu_limit_fails_only_by_the_wall_clock(tmp_path: Path) -> None:
    late = judge(tmp_path / "busy", "nap", bad_model("nap"), limit_s=0.5, strict_wall=False)
    assert late.passed and late.late, late.describe()
    strict = judge(tmp_path / "quiet", "nap", bad_model("nap"), limit_s=0.5, strict_wall=True)
    assert any(p.startswith("slow") for p in strict.problems()), strict.problems()


def test_the_runner_passes_a_clear_error(tmp_path: Path) -> None:
    result = judge(tmp_path, "refuse", bad_model("refuse"))
    assert result.passed, result.describe()
    assert result.code == 2 and result.last_line() == "error: not a model"
