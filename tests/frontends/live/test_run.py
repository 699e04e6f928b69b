"""`--run`: the user's code runs in a separate process and its live model is read there. Its counts must be the
framework's (torch and Keras, built here with the oracles) on every single-file case in the suite, and equal
the static reading's wherever that reading is complete. Every case of a framework is read by ONE worker process
(a Worker answers many requests), so the whole suite costs two process starts.

Also: the command itself (`paramwise FILE --run`): code that raises, prints, loops forever, builds no model;
--json output stays clean; entry points file.py:Name and pkg.module:Name with --args."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES
from paramwise import cli
from paramwise.cli import summary
from paramwise.cli.options import read_options
from paramwise.errors import InputError, LimitError, ParamwiseError
from paramwise.frontends import ReadOptions
from paramwise.frontends.live.run import RunLimits, RunResult, Worker, request_for, result_of
from paramwise.frontends.target import parse_target
from paramwise.report import Report

pytest.importorskip("torch")
pytest.importorskip("keras")
import keras_oracle  # noqa: E402
import torch_oracle  # noqa: E402

TORCH_CASES = sorted((CASES / "torch").glob("*.py")) + sorted((CASES / "repro" / "torch").glob("*.py"))
KERAS_CASES = sorted((CASES / "keras").glob("*.py")) + sorted((CASES / "repro" / "keras").glob("*.py"))
LIMITS = RunLimits(seconds=120, megabytes=4096)
TENSORFLOW_SHIM = """\
# Test cases spelled `import tensorflow as tf` run on Keras 3 (as tests/keras_oracle.py runs them): tf.keras is
# keras, tf.zeros / tf.sin ... are keras.ops, tf.TensorShape is a tuple.
import sys
import keras
from keras import layers, models, optimizers, losses, metrics, activations, regularizers, initializers, backend, ops

class TensorShape(tuple):
    def __new__(cls, dims=()):
        return tuple.__new__(cls, dims)

for name in ("DType", "TypeSpec", "TensorSpec"):
    setattr(sys.modules[__name__], name, type(name, (), {}))
sys.modules["tensorflow.keras"] = keras
for sub in ("layers", "models", "optimizers", "losses", "metrics", "activations", "regularizers", "initializers",
            "backend", "ops"):
    sys.modules[f"tensorflow.keras.{sub}"] = getattr(keras, sub)

def __getattr__(name):
    return getattr(keras.ops, name)
"""
# Keras 1 code: Keras 3 refuses it, so --run must say so (its truth is what its author meant; the static reader
# reads it as Keras 1 meant it).
KERAS_REFUSES = {"r23_keras1_api": "border_mode"}


def truth(path: Path) -> dict[str, Any]:
    sidecar = path.with_suffix(".truth.json")
    return dict(json.loads(sidecar.read_text())) if sidecar.exists() else {}


def ask(worker: Worker, path: Path, **options: Any) -> RunResult | ParamwiseError:
    try:
        request = request_for(parse_target(str(path)), ReadOptions(**options), LIMITS)
        return result_of(worker.ask(request), str(path))
    except ParamwiseError as e:
        return e


@contextmanager
def tensorflow_shim(frameworks: list[str]) -> Iterator[None]:
    """Workers started in this block find the stand-in `tensorflow` (and `keras_core`) modules on PYTHONPATH."""
    with tempfile.TemporaryDirectory() as folder:
        shim = Path(folder)
        (shim / "tensorflow").mkdir()
        (shim / "tensorflow" / "__init__.py").write_text(TENSORFLOW_SHIM)
        (shim / "keras_core.py").write_text("import sys\nimport keras\nsys.modules[__name__] = keras\n")
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(shim) if "keras" in frameworks else ""
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved


def run_all(frameworks: list[str], cases: list[Path], options: Any) -> tuple[dict[str, Any], float]:
    """Every case read by one worker: {case: RunResult or the error}, and the seconds it took."""
    started = time.monotonic()
    with tensorflow_shim(frameworks), Worker(frameworks, LIMITS) as worker:
        results = {p.stem: ask(worker, p, **options(p)) for p in cases}
    return results, time.monotonic() - started


def torch_options(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if "needs_input_shape" not in text:
        return {}
    return {"input_shape": tuple(torch_oracle.build(path)["input_shape"])}


@pytest.fixture(scope="module")
def torch_runs() -> dict[str, Any]:
    results, seconds = run_all(["torch"], TORCH_CASES, torch_options)
    print(f"\n--run read {len(TORCH_CASES)} torch cases in one worker in {seconds:.1f} s")
    return results


@pytest.fixture(scope="module")
def fast_keras() -> Iterator[None]:
    """keras_oracle.build clears Keras' session before each case; without a full garbage collection each time
    (layer names still start again), which is most of the time a case takes."""
    import keras

    clear = keras.backend.clear_session
    keras.backend.clear_session = lambda free_memory=False: clear(free_memory=False)
    try:
        yield
    finally:
        keras.backend.clear_session = clear


@pytest.fixture(scope="module")
def keras_runs() -> dict[str, Any]:
    results, seconds = run_all(["torch", "keras"], KERAS_CASES, lambda p: {})
    print(f"\n--run read {len(KERAS_CASES)} keras cases in one worker in {seconds:.1f} s")
    return results


def static(path: Path, **options: Any) -> Report | None:
    try:
        report = paramwise.read(str(path), **options)
    except ParamwiseError:
        return None
    return report if report.complete else None


def same_as_static(ran: Report, read: Report, modules: list[str]) -> list[str]:
    """The run's totals, and the counts of the rows of `modules` (the model's own module paths or layer names),
    against a complete static reading of the same file."""
    problems = [f"{k}: --run {getattr(ran, k)}, static {getattr(read, k)}"
                for k in ("total", "trainable", "non_trainable") if getattr(ran, k) != getattr(read, k)]
    if (ran.buffers or 0) != (read.buffers or 0):
        problems.append(f"buffers: --run {ran.buffers}, static {read.buffers}")
    ours, theirs = ({r.name: (r.params, r.trainable_params, r.buffers or 0) for r in report.rows} for report in (ran, read))
    for name in modules:
        if ours.get(name) != theirs.get(name):
            problems.append(f"{name}: --run {ours.get(name)}, static {theirs.get(name)}")
    return problems


def matches_truth(report: Report, want: dict[str, Any]) -> list[str]:
    """A reproducer's sidecar truth (written by the framework): its totals and, for Keras, its layers' counts."""
    found = [f"{k}: {getattr(report, k)} != {want[k]}" for k in ("total", "trainable", "non_trainable", "buffers")
             if k in want and (getattr(report, k) or 0) != want[k]]
    if "layers" in want:
        keras = [layer["params"] for layer in want["layers"] if layer["type"] != "InputLayer"]
        ours = [r.params for r in report.rows if r.depth == 0 and r.kind != "Input"]
        if ours != keras:
            found.append(f"layers: {ours} != {keras}")
    return found


@pytest.mark.parametrize("path", TORCH_CASES, ids=[f"{p.parent.name}/{p.stem}" for p in TORCH_CASES])
def test_torch_case_equals_torch_and_the_static_reading(path: Path, torch_runs: dict[str, Any]) -> None:
    got, want = torch_runs[path.stem], truth(path)
    if "raises" in want:  # torch itself cannot build it: the error, at the user's line
        assert isinstance(got, InputError) and got.location is not None and got.location.line > 0, got
        return
    assert isinstance(got, RunResult), got.render() if isinstance(got, ParamwiseError) else got
    report = got.report()
    assert not [w for w in report.warnings if w.code == "live_mismatch"]
    if want:  # a reproducer: the truth torch wrote beside it (some read sys.argv, so they are not built here)
        assert matches_truth(report, want) == []
        modules = [r.name for r in report.rows if r.kind == "Container"]
    else:
        model = torch_oracle.build(path)["model"]
        assert torch_oracle.compare(report, model) == []
        modules = [name for name, _ in model.named_modules() if name]
    read = static(path, **torch_options(path))
    if read is not None:
        assert same_as_static(report, read, modules) == []


@pytest.mark.parametrize("path", KERAS_CASES, ids=[f"{p.parent.name}/{p.stem}" for p in KERAS_CASES])
def test_keras_case_equals_keras_and_the_static_reading(path: Path, keras_runs: dict[str, Any], fast_keras: None) -> None:
    got, want = keras_runs[path.stem], truth(path)
    if "raises" in want or "depends_on_data" in want:  # data (or pandas, to read it) the case does not ship
        assert isinstance(got, (ParamwiseError, RunResult))
        return
    if path.stem in KERAS_REFUSES:
        assert isinstance(got, InputError) and KERAS_REFUSES[path.stem] in got.message and got.location is not None
        return
    assert isinstance(got, RunResult), got.render() if isinstance(got, ParamwiseError) else got
    report = got.report()
    assert not [w for w in report.warnings if w.code == "live_mismatch"]
    if want:
        assert matches_truth(report, want) == []
    else:
        assert keras_oracle.compare(report, keras_oracle.build(path)) == []
    read = static(path)
    if read is not None:
        assert same_as_static(report, read, [r.name for r in report.rows if r.depth == 0]) == []


# -- project fixtures: packages with relative and absolute imports, re-exports, circular imports ---------------

PROJECT_TESTS = Path(__file__).resolve().parents[1] / "source" / "project"


def project_entries() -> tuple[list[Any], list[Any]]:
    """The (fixture, entry, keywords) lists the static project tests check, shared, not copied."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("project_entries", PROJECT_TESTS / "test_project_imports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(PROJECT_TESTS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(PROJECT_TESTS))
    return list(module.TORCH), list(module.KERAS)


TORCH_PROJECTS, KERAS_PROJECTS = project_entries()


def run_projects(frameworks: list[str], entries: list[Any]) -> dict[str, Any]:
    """Every entry run from its fixture's folder (as `cd FIXTURE && paramwise ENTRY --run --args ...`), one worker."""
    from project_oracle import PROJECTS

    results: dict[str, Any] = {}
    here = os.getcwd()
    with tensorflow_shim(frameworks), Worker(frameworks, LIMITS) as worker:
        for project, entry, kwargs in entries:
            os.chdir(PROJECTS / project)
            try:
                options = ReadOptions(class_args=((), dict(kwargs or {})))
                request = request_for(parse_target(entry), options, LIMITS)
                results[f"{project}/{entry}"] = result_of(worker.ask(request), entry)
            except ParamwiseError as e:
                results[f"{project}/{entry}"] = e
            finally:
                os.chdir(here)
    return results


@pytest.fixture(scope="module")
def torch_projects() -> dict[str, Any]:
    return run_projects(["torch"], TORCH_PROJECTS)


@pytest.fixture(scope="module")
def keras_projects() -> dict[str, Any]:
    return run_projects(["torch", "keras"], KERAS_PROJECTS)


@pytest.mark.parametrize(("project", "entry", "kwargs"), TORCH_PROJECTS, ids=[f"{p}/{e}" for p, e, _ in TORCH_PROJECTS])
def test_torch_project_equals_torch(project: str, entry: str, kwargs: Any, torch_projects: dict[str, Any]) -> None:
    from project_oracle import PROJECTS, build

    got = torch_projects[f"{project}/{entry}"]
    assert isinstance(got, RunResult), got.render() if isinstance(got, ParamwiseError) else got
    report = got.report()
    assert not [w for w in report.warnings if w.code == "live_mismatch"]
    assert torch_oracle.compare(report, build(PROJECTS / project, entry, kwargs)) == []


@pytest.mark.parametrize(("project", "entry", "kwargs"), KERAS_PROJECTS, ids=[f"{p}/{e}" for p, e, _ in KERAS_PROJECTS])
def test_keras_project_equals_keras(project: str, entry: str, kwargs: Any, keras_projects: dict[str, Any],
                                    fast_keras: None) -> None:
    import keras
    from project_oracle import PROJECTS, build

    got = keras_projects[f"{project}/{entry}"]
    assert isinstance(got, RunResult), got.render() if isinstance(got, ParamwiseError) else got
    report = got.report()
    assert not [w for w in report.warnings if w.code == "live_mismatch"]
    keras_oracle.install_tensorflow_alias()
    keras.backend.clear_session()
    assert keras_oracle.compare(report, build(PROJECTS / project, entry, kwargs)) == []


# -- the command ----------------------------------------------------------------------------------------------


def command(args: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capfd.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("from .net import Net\n")
    (tmp_path / "models" / "blocks.py").write_text(
        "import torch.nn as nn\n\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, d, hidden=(32, 16)):\n"
        "        super().__init__()\n"
        "        self.body = nn.Sequential(nn.Linear(d, hidden[0]), nn.GELU(), nn.Linear(hidden[0], d))\n"
        "        self.norm = nn.LayerNorm(d)\n"
    )
    (tmp_path / "models" / "net.py").write_text(
        "import torch.nn as nn\nfrom .blocks import Block\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, d=8, depth=2, hidden=(32, 16)):\n"
        "        super().__init__()\n"
        "        self.blocks = nn.ModuleList([Block(d, hidden) for _ in range(depth)])\n"
        "        self.head = nn.Linear(d, 3)\n\n"
        "def build_model(depth=1):\n"
        "    return Net(depth=depth).to('cuda')\n"
    )
    (tmp_path / "train.py").write_text(
        "import sys\nfrom models import Net\n\n"
        "print('training script: building the model')\n"
        "print('progress to stderr', file=sys.stderr)\n"
        "model = Net(d=16)\n"
        "if __name__ == '__main__':\n"
        "    raise SystemExit('this must not run under --run')\n"
    )
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def built_total(**kwargs: Any) -> int:
    """The same Net built by real torch in this process."""
    import torch.nn as nn

    d, depth, hidden = kwargs.get("d", 8), kwargs.get("depth", 2), kwargs.get("hidden", (32, 16))
    blocks = [nn.Sequential(nn.Sequential(nn.Linear(d, hidden[0]), nn.GELU(), nn.Linear(hidden[0], d)), nn.LayerNorm(d))
              for _ in range(depth)]
    return sum(p.numel() for p in nn.ModuleList([*blocks, nn.Linear(d, 3)]).parameters())


def test_an_entry_script_runs_its_imports_and_its_prints_go_to_stderr(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code, out, err = command(["train.py", "--run", "--format", "json"], capfd)
    assert code == 0, err
    data = json.loads(out)  # stdout is the JSON alone
    assert data["total"] == built_total(d=16) and data["complete"] is True
    assert "training script: building the model" in err and "progress to stderr" in err
    assert err.count("--run imports train.py") == 1


SUBCLASSED_KERAS = """\
import keras
from keras import layers

class Net(keras.Model):
    def __init__(self, units=32):
        super().__init__()
        self.d1 = layers.Dense(units, activation="relu")
        self.bn = layers.BatchNormalization()
        self.d2 = layers.Dense(10)

    def call(self, x):
        return self.d2(self.bn(self.d1(x)))
"""


def test_entry_points_arguments_and_refusals(project: Path) -> None:
    """file.py:Name, pkg.module:Name, a function that builds the model, --class with --args (Python literals,
    keyword defaults), an unbuilt Keras model built with --input-shape; names that do not exist and a file
    without a model are refused with a hint. One worker answers them all, as the command's options make them."""
    import keras

    (project / "knet.py").write_text(SUBCLASSED_KERAS)
    (project / "nothing.py").write_text("import torch\nx = torch.zeros(3)\n")

    def request(*argv: str) -> dict[str, Any]:
        args = summary.build_parser().parse_args([*argv, "--run"])
        return request_for(parse_target(args.path), read_options(args), LIMITS)

    with Worker(["torch", "keras"], LIMITS) as worker:
        def total(*argv: str) -> Any:
            return result_of(worker.ask(request(*argv)), argv[0]).report().total

        assert total("models/net.py:Net") == built_total()
        assert total("models.net:Net", "--args", "d=4, hidden=(16, 8), depth=3") == built_total(d=4, hidden=(16, 8), depth=3)
        assert total("models/net.py:build_model", "--args", "depth=3") == built_total(depth=3)  # .to('cuda') stays put
        assert total("models/net.py", "--class", "Net", "--args", "5") == built_total(d=5)
        want = keras_oracle.build(project / "knet.py", "Net")()
        want(keras.ops.zeros((1, 20)))
        assert total("knet.py:Net", "--input-shape", "20", "--args", "units=32") == want.count_params()
        for argv, message, hint in [
            (("models/net.py:Nope",), "defines no 'Nope'", "Net"),
            (("nothing.py",), "builds no model", "file.py:ClassName"),
            (("knet.py:Net",), "not built until it sees an input shape", "--input-shape"),
        ]:
            with pytest.raises(InputError) as e:
                total(*argv)
            assert message in e.value.message and hint in e.value.hint + e.value.message


def test_code_that_raises_is_located_at_its_own_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.py"
    path.write_text("import torch.nn as nn\n\ndef width():\n    return 1 // 0\n\nmodel = nn.Linear(width(), 2)\n")
    code, out, err = command([str(path), "--run"], capfd)
    assert code == 2 and out == ""
    assert f"{path}:4:1: error: running {path} raised ZeroDivisionError" in err
    assert f"{path}:6: in <module>" in err and "hint:" in err and "Traceback" not in err


def test_code_that_loops_forever_stops_at_the_time_limit(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loop.py"
    path.write_text("import torch.nn as nn\nwhile True:\n    try:\n        pass\n    except Exception:\n        pass\n")
    started = time.monotonic()
    code, out, err = command([str(path), "--run", "--run-timeout", "1"], capfd)
    assert code == 2 and "ran past the time limit (1 s)" in err and "--run-timeout" in err
    assert time.monotonic() - started < 60


def test_the_worker_is_a_clean_json_channel_and_a_memory_limit_holds(tmp_path: Path) -> None:
    """A request for more memory than the limit fails as a limit, and the same worker then answers the next one."""
    hog = tmp_path / "hog.py"
    hog.write_text("import torch.nn as nn\nblob = bytearray(3 * 2**30)\nmodel = nn.Linear(2, 2)\n")
    fine = tmp_path / "fine.py"
    fine.write_text("import torch.nn as nn\nmodel = nn.Linear(2, 3)\n")
    with Worker(["torch"], RunLimits(seconds=60, megabytes=1024)) as worker:
        with pytest.raises(LimitError, match="more memory"):
            result_of(worker.ask(request_for(parse_target(str(hog)), ReadOptions(), LIMITS)), "hog.py")
        result = result_of(worker.ask(request_for(parse_target(str(fine)), ReadOptions(), LIMITS)), "fine.py")
    assert result.report().total == 9


def test_a_missing_framework_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    from paramwise.errors import MissingDependency
    from paramwise.frontends.live import run

    path = tmp_path / "net.py"
    path.write_text("import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "keras" else real(name, *a))
    with pytest.raises(MissingDependency) as e:
        run.frameworks_for(parse_target(str(path)), ReadOptions())
    assert "pip install keras" in e.value.hint


@pytest.mark.parametrize("reply", [
    {"kind": "os:system", "state": {"dict": []}},  # a class that is not a layer kind
    {"object": "Popen", "fields": {}},  # a class that is not one of the IR's
    {"tuple": [{"kind": "builtins:object", "state": {"dict": []}}]},
])
def test_the_reply_is_data_and_only_paramwise_classes_are_rebuilt(reply: dict[str, Any]) -> None:
    from paramwise.frontends.live.run_codec import decode

    with pytest.raises(InputError, match="does not rebuild"):
        decode(reply)


def test_a_graph_goes_through_the_reply_as_it_was(tmp_path: Path) -> None:
    """The reply rebuilds the graph the worker read, its tensor references (pairs, see ir.TensorRef) among them:
    the same graph, the same report."""
    import json

    from paramwise.frontends import read_path
    from paramwise.frontends.live.run_codec import decode, encode
    from paramwise.infer import infer as walk
    from paramwise.ir import TensorRef

    path = tmp_path / "net.py"
    path.write_text("import keras\nfrom keras import layers\nx = keras.Input((8, 3))\n"
                    "a = layers.Dense(4)(x)\nb, c = layers.Dense(4)(a), layers.Dense(4)(a)\n"
                    "model = keras.Model(x, layers.Add()([b, c]))\n")
    found, chosen = read_path(str(path), ReadOptions())
    graph = found[chosen].require()
    again = decode(json.loads(json.dumps(encode(graph))))
    assert (again.calls, again.inputs, again.outputs) == (graph.calls, graph.inputs, graph.outputs)  # kinds: by identity
    refs = [t for call in again.calls for t in call.inputs] + list(again.inputs) + list(again.outputs)
    assert len(refs) == 7 and all(type(t) is TensorRef for t in refs)
    assert walk(again).to_json([]) == walk(graph).to_json([])
