"""Fuzzing every reader with mutated real model files (the harness is tests/fuzz/, the long run is
benchmarks/fuzz.py). The bounded slice here runs on every submission with a fixed seed: no input may crash
(exit 4 or an exception out of the CLI), hang, create the canary file or print the environment's secret."""

from __future__ import annotations

import json
import os
import random
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.engine import READERS, Workspace, make_input
from fuzz.oracle import Outcome, run_call, run_cli
from fuzz.values import Context

ROOT = Path(__file__).resolve().parent.parent
SLICE_PER_READER = 30  # x 9 readers: about 30 s on 2 cores once no input hangs
SLICE_SEED = 1
# a hang in a test is a run past this many wall seconds: generous, because CI machines are shared and tests are
# not timers (the source interpreter stops itself at 6 s of CPU); benchmarks/fuzz.py judges at 10 s
HANG_S = 30.0


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("fuzz")
    return Workspace(str(folder), Context.create(str(folder)))


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['kind']} x{f['count']}: {f['key']} (input {f['index']}: {f['note']}) {f['message']}"
                     for f in findings)


# -- the harness finds what it should ----------------------------------------------------------------


def test_oracle_sees_crashes_hangs_canaries_and_leaks(ws: Workspace) -> None:
    def crash() -> int:
        return [][0]  # type: ignore[no-any-return]

    def canary() -> int:
        Path(ws.ctx.canary).touch()
        return 0

    def leak() -> int:
        print(os.environ["PARAMWISE_FUZZ_SECRET"])
        return 0

    def swallow() -> int:  # code that catches everything still cannot outlive the limit
        end = time.monotonic() + 3
        while time.monotonic() < end:
            try:
                time.sleep(0.05)
            except BaseException:  # noqa: B036
                pass
        return 2

    assert run_call(crash, ws.ctx, 5).finding == "crash"
    assert run_call(lambda: 4, ws.ctx, 5).finding == "crash"
    assert run_call(lambda: 2, ws.ctx, 5).finding == ""
    hang = run_call(lambda: time.sleep(5) or 0, ws.ctx, 0.3)
    assert hang.finding == "hang" and hang.seconds < 2
    assert run_call(swallow, ws.ctx, 0.3).finding == "hang"
    assert run_call(canary, ws.ctx, 5).finding == "canary" and not os.path.exists(ws.ctx.canary)
    assert run_call(leak, ws.ctx, 5).finding == "leak"


@pytest.mark.parametrize("reader", sorted(READERS))
def test_inputs_are_rebuilt_from_seed_and_index(ws: Workspace, reader: str) -> None:
    def content(seed: int, index: int) -> list[bytes]:
        prepared = make_input(reader, seed, index, ws)
        out = [repr(prepared.argv).encode(), prepared.note.encode()]
        for p in prepared.files:
            files = [os.path.join(d, f) for d, _, fs in os.walk(p) for f in sorted(fs)] if os.path.isdir(p) else [p]
            out += [Path(f).read_bytes() for f in files if os.path.isfile(f)]
        if prepared.cleanup:
            prepared.cleanup()
        return out

    pytest.importorskip("torch")
    if reader.startswith("keras_") and reader != "keras_source":
        pytest.importorskip("keras")
    assert content(7, 3) == content(7, 3)
    assert any(content(7, i) != content(7, 3) for i in range(4, 8))


# -- the bounded slice -------------------------------------------------------------------------------


def test_fuzz_slice_has_no_crash_hang_or_canary(tmp_path: Path) -> None:
    """Every reader, SLICE_PER_READER mutated inputs each, in a worker under a memory limit."""
    pytest.importorskip("torch")
    pytest.importorskip("keras")
    out = tmp_path / "fuzz.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--per-reader", str(SLICE_PER_READER),
           "--seed", str(SLICE_SEED), "--findings", str(tmp_path / "findings"), "--workdir", str(tmp_path / "work"),
           "--json", str(out), "--limit", str(HANG_S)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "KERAS_BACKEND": "torch"})
    assert out.exists(), done.stderr[-3000:]
    figures = json.loads(out.read_text())["readers"]
    assert sorted(r["reader"] for r in figures) == sorted(READERS)
    for r in figures:
        assert r["runs"] >= SLICE_PER_READER // 2, r  # most inputs are made and run
    findings = [{**f, "reader": r["reader"]} for r in figures for f in r["findings"]]
    totals = {k: sum(r[k] for r in figures) for k in ("crashes", "hangs", "canary", "leaks")}
    assert totals == {"crashes": 0, "hangs": 0, "canary": 0, "leaks": 0}, (
        f"{totals}\n{describe(findings)}\n(inputs and tracebacks: {tmp_path / 'findings'}; "
        f"rebuild one: python benchmarks/fuzz.py --reader READER --seed {SLICE_SEED} --index INDEX)")


# -- hypothesis: values drawn into real files --------------------------------------------------------

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def check(outcome: Outcome, where: str) -> None:
    assert outcome.finding == "", f"{where}: {outcome.finding} exit {outcome.code}\n{outcome.trace}\n{outcome.stderr}"


def keras_json_seeds(ws: Workspace) -> list[Any]:
    pytest.importorskip("keras")
    from fuzz.seeds import keras_seeds

    return [json.loads(s.data) for s in keras_seeds(os.path.join(ws.folder, "seeds"))["json"]]


@SETTINGS
@given(data=st.data())
def test_keras_json_values_anywhere(ws: Workspace, data: st.DataObject) -> None:
    """Any JSON value at any place of a real to_json() file."""
    from fuzz.mutators import set_at, tree_paths

    tree = data.draw(st.sampled_from(keras_json_seeds(ws)))
    tree = json.loads(json.dumps(tree))
    path = data.draw(st.sampled_from(sorted(tree_paths(tree), key=repr)))
    tree = set_at(tree, path, data.draw(json_values))
    target = Path(ws.folder) / "hypothesis.json"
    target.write_text(json.dumps(tree, allow_nan=True), encoding="utf-8", errors="surrogatepass")
    check(run_cli([str(target)], ws.ctx, HANG_S), f"{path}")


@SETTINGS
@given(
    names=st.lists(st.text(max_size=12) | st.sampled_from(["", ".", "a..b", "a.", "w", "a.b.weight"]), min_size=1,
                   max_size=4, unique=True),
    dtype=st.sampled_from(["F32", "F16", "BF16", "I64", "BOOL", "U8", "F8_E4M3", "C64", "X", ""]),
    shape=st.lists(st.integers(min_value=-2, max_value=2**40), max_size=4),
    offsets=st.lists(st.integers(min_value=-1, max_value=2**40), min_size=0, max_size=3),
)
def test_safetensors_headers(ws: Workspace, names: list[str], dtype: str, shape: list[int], offsets: list[int]) -> None:
    header = {n: {"dtype": dtype, "shape": shape, "data_offsets": offsets} for n in names}
    text = json.dumps(header).encode()
    target = Path(ws.folder) / "hypothesis.safetensors"
    target.write_bytes(struct.pack("<Q", len(text)) + text + bytes(64))
    check(run_cli([str(target)], ws.ctx, HANG_S), json.dumps(header)[:300])


source_numbers = (st.integers(min_value=-(10**30), max_value=10**30).map(str)
                  | st.floats(allow_nan=False, allow_infinity=False).map(repr)
                  | st.sampled_from(["float('nan')", "None", "'abc'", "[3]", "(2, 0)", "True", "-0.5"]))


@SETTINGS
@given(data=st.data())
def test_source_numbers(ws: Workspace, data: st.DataObject) -> None:
    """Each number in a real Keras or PyTorch source file replaced by another value."""
    from fuzz.mutators import NUMBER
    from fuzz.seeds import source_seeds

    framework = data.draw(st.sampled_from(["keras", "torch"]))
    seed = data.draw(st.sampled_from(source_seeds(framework)))
    matches = list(NUMBER.finditer(seed.text))
    if not matches:
        return
    m = data.draw(st.sampled_from(matches))
    text = seed.text[: m.start()] + data.draw(source_numbers) + seed.text[m.end():]
    target = Path(ws.folder) / f"hypothesis{seed.suffix}"
    target.write_text(text, encoding="utf-8")
    argv = [str(target)] + (["--input-shape", ",".join(map(str, seed.input_shape))] if seed.input_shape else [])
    check(run_cli(argv, ws.ctx, HANG_S), f"{seed.name}:{text[: m.start()].count(chr(10)) + 1}")


def test_live_summary_arguments(ws: Workspace) -> None:
    """Torch modules built from mutated constructor arguments, summarised live (a fixed random sample)."""
    pytest.importorskip("torch")
    bad = []
    for index in random.Random(SLICE_SEED).sample(range(10**6), 40):
        prepared = make_input("torch_live", SLICE_SEED, index, ws)
        if prepared.call is None:
            continue
        outcome = run_call(prepared.call, ws.ctx, HANG_S)
        if outcome.finding:
            bad.append(f"{index} {prepared.note}: {outcome.finding} {outcome.exc_type} at {outcome.last_frame}")
    assert bad == []
