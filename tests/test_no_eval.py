"""No text from the input ever reaches eval, exec, compile, sympify/parse_expr or an unpickler.

Two guards: the package is scanned for those calls (only reviewed ones, which take no input text, are
allowed), and payloads that would create a canary file are put in every place a value can go, in every
reader, while sympy's parser is replaced by a tripwire.
"""

from __future__ import annotations

import ast
import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

import paramwise
from paramwise import cli

SRC = Path(paramwise.__file__).resolve().parent

# calls that evaluate text, by their name; `x.eval(...)` is the interpreter's own method, not the builtin
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "nsimplify", "S", "lambdify"}
UNPICKLERS = {"pickle", "cPickle", "_pickle", "dill", "marshal", "shelve", "joblib", "cloudpickle"}
# sympy functions pass non-sympy arguments through sympify: only these places may call sympy, each reviewed
SYMPY_ALLOWED = {
    ("formula.py", "Symbol"),  # symbol(): from a checked identifier
    ("formula.py", "Rational"),  # exact(): from the two ints of a Fraction
    ("formula.py", "floor"),  # floor_of(): of exact(), a sympy object
    ("formula.py", "expand"),  # simplify(): of a sympy object only
    ("render/symbolic.py", "factor"),  # of simplify()'s sympy expression
}


def python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def calls_in(path: Path) -> list[tuple[str, str, int]]:
    """(receiver, name, line) of every call in a module, plus ('import', module, line) for imports."""
    tree = ast.parse(path.read_text(), str(path))
    out: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                out.append(("", f.id, node.lineno))
            elif isinstance(f, ast.Attribute):
                receiver = f.value.id if isinstance(f.value, ast.Name) else "?"
                out.append((receiver, f.attr, node.lineno))
        elif isinstance(node, ast.Import):
            out += [("import", a.name.split(".")[0], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(("import", node.module.split(".")[0], node.lineno))
            if node.module.split(".")[0] == "sympy":
                out += [("from-sympy", a.name, node.lineno) for a in node.names]
    return out


# reviewed: frozen.py writes a record class's __init__ (as dataclasses does, which paramwise's records used to be)
# from the field names of paramwise's own classes, checked to be identifiers; no input text can reach it
EXEC_ALLOWED = {("frozen.py", "exec")}


def test_no_call_evaluates_text() -> None:
    found = []
    for path in python_files():
        rel = path.relative_to(SRC).as_posix()
        for receiver, name, line in calls_in(path):
            where = f"{rel}:{line}"
            if receiver == "" and name in FORBIDDEN_NAMES and (rel, name) not in EXEC_ALLOWED:
                found.append(f"{where}: {name}()")
            elif receiver not in ("", "self", "re", "import", "from-sympy") and name in FORBIDDEN_NAMES - {"eval"}:
                found.append(f"{where}: {receiver}.{name}()")
            elif receiver in UNPICKLERS and name in ("load", "loads", "Unpickler", "open"):
                found.append(f"{where}: {receiver}.{name}()")
            elif receiver == "from-sympy":
                found.append(f"{where}: from sympy import {name} (call sympy as sympy.NAME in a reviewed place)")
            elif receiver == "sympy" and (rel, name) not in SYMPY_ALLOWED:
                found.append(f"{where}: sympy.{name}() is not a reviewed call")
    assert not found, "calls that could evaluate input text:\n" + "\n".join(found)


def test_no_torch_load() -> None:
    """Checkpoints are read as data (frontends/files/torch_pickle.py): the package never calls torch.load, whose
    unpickler, even with weights_only=True, is one more place a file's pickle is run."""
    found = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load":
                if isinstance(node.func.value, ast.Name) and node.func.value.id == "torch":
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, f"torch.load in the package: {found}"


def test_the_scan_sees_what_it_forbids(tmp_path: Path) -> None:
    """The scanner is not blind: it reports each forbidden form in a sample module."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pickle\nfrom sympy import sympify\nimport sympy\n"
        "pickle.loads(b'')\neval('1')\nsympy.nsimplify('x')\nsympy.Max(1, 'x')\nsympy.Symbol('x')\n"
    )
    names = {(r, n) for r, n, _ in calls_in(sample)}
    assert {("", "eval"), ("pickle", "loads"), ("from-sympy", "sympify"), ("sympy", "nsimplify"), ("sympy", "Max")} <= names


# -- payloads through every reader -----------------------------------------------------------------


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A canary path, and sympy's parser replaced by a function that fails the test if called."""
    import sympy.parsing.sympy_parser as parser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"input text reached sympy's parser: {args[:1]!r}")

    monkeypatch.setattr(parser, "parse_expr", refuse)
    return tmp_path / "CANARY"


def payloads(canary: Path) -> list[str]:
    cmd = f"touch {canary}"
    return [
        f"(__import__('os').system('{cmd}') or 2)",
        f"__import__('os').system('{cmd}')",
        f"exec(\"__import__('os').system('{cmd}')\")",
        f"[x for x in ().__class__.__base__.__subclasses__() if x.__name__ == 'Popen'][0]('{cmd}'.split())",
    ]


def run(args: list[str]) -> int:
    code = cli.main([*args, "--quiet"])
    return code


KERAS_SOURCE = """\
import keras
from keras import layers
inputs = keras.Input((img_size, img_size, 3))
x = {layer}(inputs)
model = keras.Model(inputs, x)
"""

KERAS_LAYERS = [
    "layers.UpSampling2D(size={p!r})",
    "layers.UpSampling2D(size=({p!r}, 2))",
    "layers.Dense({p!r})",
    "layers.Conv2D({p!r}, 3)",
    "layers.Conv2D(8, {p!r})",
    "layers.Conv2D(8, 3, strides={p!r})",
    "layers.MaxPooling2D({p!r})",
    "layers.Reshape(({p!r}, -1))",
    "layers.Dropout({p!r})",
    "layers.ZeroPadding2D({p!r})",
    "layers.Cropping2D({p!r})",
    "layers.Dense(4, name={p!r})",
]

TORCH_SOURCE = """\
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.m = {module}
    def forward(self, x):
        return {forward}
"""

TORCH_MODULES = [
    ("nn.Upsample(scale_factor={p!r})", "self.m(x)"),
    ("nn.Upsample(size={p!r})", "self.m(x)"),
    ("nn.Linear(n, {p!r})", "self.m(x)"),
    ("nn.Conv2d(3, 8, {p!r})", "self.m(x)"),
    ("nn.Identity()", "F.interpolate(x, scale_factor={p!r})"),
    ("nn.Identity()", "x.view({p!r})"),
    ("nn.Identity()", "x * {p!r}"),
    ("nn.Flatten({p!r})", "self.m(x)"),
]


@pytest.mark.parametrize("layer", KERAS_LAYERS)
def test_keras_source_payloads(tripwire: Path, tmp_path: Path, layer: str) -> None:
    for i, p in enumerate(payloads(tripwire)):
        model = tmp_path / f"m{i}.py"
        model.write_text(KERAS_SOURCE.format(layer=layer.format(p=p)))
        assert run([str(model)]) in (0, 2)
        assert not tripwire.exists()


@pytest.mark.parametrize(("module", "forward"), TORCH_MODULES)
def test_torch_source_payloads(tripwire: Path, tmp_path: Path, module: str, forward: str) -> None:
    for i, p in enumerate(payloads(tripwire)):
        model = tmp_path / f"m{i}.py"
        model.write_text(TORCH_SOURCE.format(module=module.format(p=p), forward=forward.format(p=p)))
        assert run([str(model), "--input-shape", "1,3,h,h"]) in (0, 2)
        assert run([str(model), "--input-shape", "1,3,8,8"]) in (0, 2)
        assert not tripwire.exists()


def test_command_line_values(tripwire: Path, tmp_path: Path) -> None:
    model = tmp_path / "m.py"
    model.write_text(KERAS_SOURCE.format(layer="layers.Dense(units)"))
    for p in payloads(tripwire):
        assert run([str(model), "--set", f"units={p}"]) == 2
        assert run([str(model), "--set", f"img_size={p}"]) == 2
        assert run([str(model), "--input-shape", p]) == 2
        assert run([str(model), "--symbolic", p]) in (0, 2)
    assert not tripwire.exists()


def keras_config(value: object, field: str) -> dict[str, object]:
    """A Keras 3 to_json() config of Input -> UpSampling2D -> Flatten -> Dense with `value` put at `field`."""
    layer_cfgs: list[dict[str, object]] = [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 8, 3], "dtype": "float32", "name": "input"}},
        {"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2], "interpolation": "nearest"}},
        {"class_name": "Flatten", "config": {"name": "flatten"}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 4, "use_bias": True}},
    ]
    target = {"batch_shape": 0, "size": 1, "units": 3, "name": 3}[field]
    cfg = layer_cfgs[target]["config"]
    assert isinstance(cfg, dict)
    if field == "batch_shape":
        cfg[field] = [None, value, 8, 3]
    else:
        cfg[field] = value
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": layer_cfgs}}


FIELDS = ["batch_shape", "size", "units", "name"]


@pytest.mark.parametrize("field", FIELDS)
def test_keras_json_payloads(tripwire: Path, tmp_path: Path, field: str) -> None:
    for i, p in enumerate(payloads(tripwire)):
        path = tmp_path / f"m{i}.json"
        path.write_text(json.dumps(keras_config(p, field)))
        assert run([str(path)]) in (0, 2)
    assert not tripwire.exists()


@pytest.mark.parametrize("field", FIELDS)
def test_keras_archive_payloads(tripwire: Path, tmp_path: Path, field: str) -> None:
    for i, p in enumerate(payloads(tripwire)):
        path = tmp_path / f"m{i}.keras"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.5.0"}))
            z.writestr("config.json", json.dumps(keras_config(p, field)))
        assert run([str(path)]) in (0, 2)
    assert not tripwire.exists()


@pytest.mark.parametrize("field", FIELDS)
def test_keras_h5_payloads(tripwire: Path, tmp_path: Path, field: str) -> None:
    h5py = pytest.importorskip("h5py")
    for i, p in enumerate(payloads(tripwire)):
        path = tmp_path / f"m{i}.h5"
        with h5py.File(path, "w") as f:
            f.attrs["model_config"] = json.dumps(keras_config(p, field))
            f.attrs["keras_version"] = "2.15.0"
            f.attrs["backend"] = "tensorflow"
        assert run([str(path)]) in (0, 2)
    assert not tripwire.exists()


def safetensors_bytes(header: dict[str, object]) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"\0" * 64


def test_checkpoint_payloads(tripwire: Path, tmp_path: Path) -> None:
    for i, p in enumerate(payloads(tripwire)):
        headers: list[dict[str, object]] = [
            {p: {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}},
            {"w.weight": {"dtype": p, "shape": [2, 2], "data_offsets": [0, 16]}},
            {"w.weight": {"dtype": "F32", "shape": [p, 2], "data_offsets": [0, 16]}},
            {"__metadata__": {"format": p}, "w.weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}},
        ]
        for j, header in enumerate(headers):
            path = tmp_path / f"m{i}_{j}.safetensors"
            path.write_bytes(safetensors_bytes(header))
            assert run([str(path)]) in (0, 2)
        index = tmp_path / f"m{i}.safetensors.index.json"
        index.write_text(json.dumps({"metadata": {}, "weight_map": {p: f"m{i}_0.safetensors", "a.b": p}}))
        assert run([str(index)]) in (0, 2)
    assert not tripwire.exists()


def test_pickle_in_a_checkpoint_is_not_run(tripwire: Path, tmp_path: Path) -> None:
    """A .pt whose pickle would call os.system is refused: os.system is not a name torch allows."""
    pytest.importorskip("torch")
    import pickle

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            import os

            return (os.system, (f"touch {tripwire}",))

    buffer = io.BytesIO()
    pickle.dump({"w": Evil()}, buffer)
    path = tmp_path / "evil.pt"
    path.write_bytes(buffer.getvalue())
    assert run([str(path)]) == 2
    assert not tripwire.exists()
