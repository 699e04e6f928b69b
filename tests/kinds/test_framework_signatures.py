"""The frameworks' constructor signatures, kept as data (src/paramwise/kinds/signatures/): the committed files
are what the pinned frameworks give now, every kind binds arguments as the framework does, and a reader warns
about an argument only when the framework does not take it, naming the real ones."""

from __future__ import annotations

import importlib.util
import inspect
import json
import math
import sys
import warnings
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import paramwise
from paramwise import kinds
from paramwise.errors import ParamwiseError
from paramwise.kinds import framework_signatures
from paramwise.kinds.base import REQUIRED

ROOT = Path(__file__).resolve().parents[2]
REPRO = ROOT / "tests" / "cases" / "repro"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("signatures_script", ROOT / "scripts" / "signatures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed_text(framework: str) -> str:
    return resources.files("paramwise.kinds").joinpath("signatures", f"{framework}.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("framework", framework_signatures.FRAMEWORKS)
def test_the_data_is_what_the_installed_framework_gives(framework: str) -> None:
    pytest.importorskip(framework)
    script = generator()
    if sys.version_info < script.NEEDS_PYTHON:
        pytest.skip("the signatures are read with typing.get_overloads (Python 3.11)")
    fresh = script.generate(framework)
    committed = json.loads(committed_text(framework))
    if fresh["version"] != committed["version"]:
        pytest.skip(f"{framework} {fresh['version']} is installed; the data is from {committed['version']} "
                    "(install the pinned version, or run scripts/signatures.py and commit the result)")
    changed = sorted(n for n in fresh["classes"].keys() | committed["classes"].keys()
                     if fresh["classes"].get(n) != committed["classes"].get(n))
    assert changed == [], "rerun scripts/signatures.py: these classes changed"
    assert script.dumps(fresh) == committed_text(framework)  # byte for byte: sorted and stable


def test_the_data_covers_every_public_class() -> None:
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    torch_names = {n for n, c in vars(torch.nn).items() if isinstance(c, type) and issubclass(c, torch.nn.Module)
                   and c.__module__.startswith("torch.nn.modules") and not n.startswith("_")}
    keras_names = {n for n, c in vars(keras.layers).items() if isinstance(c, type) and not n.startswith("_")}
    assert set(framework_signatures.load("torch")) == torch_names
    assert set(framework_signatures.load("keras")) == keras_names
    assert {"Linear", "Conv2d", "LSTM", "ReLU", "Dropout", "Softmax", "LogSoftmax"} <= torch_names
    assert {"Dense", "Conv2D", "MaxPool2D", "MaxPooling2D", "LSTM", "Dropout"} <= keras_names


def real_signature(framework: str, name: str) -> inspect.Signature | None:
    """The constructor's signature from the framework itself, for the checks below (None: *args, **kwargs)."""
    module = pytest.importorskip(framework)
    cls = getattr(module.nn if framework == "torch" else module.layers, name)
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return None
    return inspect.Signature(params)


def test_the_loader_reads_what_inspect_says() -> None:
    linear = framework_signatures.lookup("torch", "Linear")
    assert linear is not None and linear.positional == tuple(real_signature("torch", "Linear").parameters)  # type: ignore[union-attr]
    assert [p.required for p in linear.parameters][:3] == [True, True, False]
    assert not linear.var_keyword and not linear.takes("bais") and linear.suggest("bais") == "bias"
    conv = framework_signatures.lookup("keras", "Conv2D")
    assert conv is not None and conv.parameters[2].default == (1, 1)  # JSON lists come back as tuples
    assert conv.takes("name") and conv.takes("input_shape") and not conv.takes("filtres")
    layer = framework_signatures.lookup("keras", "Layer")
    assert layer is not None and layer.positional == () and "trainable" in layer.names
    assert framework_signatures.lookup("torch", "NoSuchModule") is None
    assert framework_signatures.lookup("onnx", "Conv") is None
    assert framework_signatures.version("torch") == pytest.importorskip("torch").__version__.split("+")[0]


def kind_spellings() -> list[tuple[str, str, type[kinds.Kind]]]:
    """(framework, class name, kind) for every spelling of a framework class that the framework exports."""
    found = []
    for spelling, (cls, _) in sorted(kinds.registry().items()):
        framework, name = spelling.split(":", 1)
        if framework_signatures.lookup(framework, name) is not None:
            found.append((framework, name, cls))
    return found


def same_default(ours: Any, theirs: framework_signatures.Parameter) -> bool:
    """Required where the framework requires it, and the framework's default where the kind gives one (None is
    a kind's "not used for the count": an initializer, a dropout rate)."""
    if theirs.required or ours is REQUIRED:
        return theirs.required and ours is REQUIRED
    if ours is None or theirs.default_text is not None:
        return True  # not a literal (a function): the kind reads its own stand-in
    if isinstance(ours, float) and isinstance(theirs.default, float):
        return math.isclose(ours, theirs.default)
    if isinstance(theirs.default, tuple) and isinstance(ours, (int, str)):
        return all(v == ours for v in theirs.default)  # (1, 1) and 1 bind alike
    return bool(ours == theirs.default and type(ours) is type(theirs.default))


@pytest.mark.parametrize(("framework", "name", "cls"), kind_spellings(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_kind_binds_as_the_framework_does(framework: str, name: str, cls: type[kinds.Kind]) -> None:
    real = framework_signatures.lookup(framework, name)
    assert real is not None
    ours = kinds.signature_of(cls, framework, name)
    names = [p for p, _ in ours]
    assert names[: len(real.positional)] == list(real.positional), "positional order differs from the framework's"
    missing = [n for n in real.names if n not in names]
    assert missing == [], f"{cls.__name__} does not take these arguments {framework}:{name} takes"
    extra = [n for n in names if n not in real.names and n not in real.kwargs_keywords]
    assert extra == [], f"{cls.__name__} takes arguments {framework}:{name} refuses"
    theirs = {p.name: p for p in real.parameters}
    differ = [(p, d, theirs[p].default) for p, d in ours if p in theirs and not same_default(d, theirs[p])]
    assert differ == [], "defaults differ from the framework's"


# -- the readers ---------------------------------------------------------------------------------------------


def read_text(tmp_path: Path, text: str) -> paramwise.report.Report:
    path = tmp_path / "model.py"
    path.write_text(text)
    return paramwise.read(str(path))


def argument_warnings(report: paramwise.report.Report) -> list[Any]:
    return [w for w in report.warnings if w.code == "unknown_argument"]


def test_r28_real_arguments_of_parameter_free_modules_give_no_warning() -> None:
    path = REPRO / "torch" / "r28_relu_inplace_false_warning.py"
    report = paramwise.read(str(path))
    assert argument_warnings(report) == []
    assert report.total == json.loads(path.with_suffix(".truth.json").read_text())["total"]


PARAMETER_FREE = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Softmax", "LogSoftmax", "Softmin",
                  "Dropout", "Dropout2d", "AlphaDropout", "Hardtanh", "Threshold", "Softplus", "Identity"]


def literal_call(framework: str, name: str, positional: bool) -> str | None:
    """`nn.ReLU(inplace=False)`, `nn.Threshold(1, 1, False)`: the class called with every argument that has a
    literal default (a required one given 1), by keyword or by position (None: it takes no argument)."""
    real = framework_signatures.lookup(framework, name)
    assert real is not None
    given = [p for p in real.parameters if p.default_text is None and (p.kind != "keyword" or not positional)]
    if not given:
        return None
    values = ["1" if p.required else repr(p.default) for p in given]
    args = values if positional else [f"{p.name}={v}" for p, v in zip(given, values)]
    return f"{'nn' if framework == 'torch' else 'layers'}.{name}({', '.join(args)})"


@pytest.mark.parametrize("positional", [False, True], ids=["keyword", "positional"])
@pytest.mark.parametrize("name", PARAMETER_FREE)
def test_torch_parameter_free_modules_bind_their_real_arguments(tmp_path: Path, name: str, positional: bool) -> None:
    call = literal_call("torch", name, positional)
    if call is None:
        pytest.skip(f"nn.{name} takes no argument")
    text = f"import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(3, 3), {call})\n"
    namespace: dict[str, Any] = {}
    exec(compile(text, "oracle", "exec"), namespace)  # the framework takes the call: the oracle
    report = read_text(tmp_path, text)
    assert argument_warnings(report) == [], call
    assert report.total == sum(p.numel() for p in namespace["model"].parameters())


def test_torch_refuses_what_the_framework_refuses(tmp_path: Path) -> None:
    import torch.nn as nn

    with pytest.raises(TypeError):
        nn.Tanh(1)
    with pytest.raises(ParamwiseError, match="positional"):
        read_text(tmp_path, "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(3, 3), nn.Tanh(1))\n")
    report = read_text(tmp_path, "import torch.nn as nn\nmodel = nn.Sequential(nn.Identity(3, k=1), nn.Linear(3, 3))\n")
    assert argument_warnings(report) == []  # nn.Identity(*args, **kwargs) takes anything
    report = read_text(tmp_path, "import torch.nn as nn\nmodel = nn.Sequential(nn.Tanh(inplace=True))\n")
    [warning] = argument_warnings(report)
    assert "nn.Tanh has no argument 'inplace'" in warning.message and "arg0" not in warning.hint


def test_a_misspelled_torch_argument_warns_with_the_real_names(tmp_path: Path) -> None:
    report = read_text(tmp_path, "import torch.nn as nn\nmodel = nn.Linear(4, 2, bais=False)\n")
    [warning] = argument_warnings(report)
    assert "nn.Linear has no argument 'bais'" in warning.message
    real = real_signature("torch", "Linear")
    assert real is not None
    assert warning.hint == f"did you mean bias=? its arguments: {', '.join(real.parameters)}"
    report = read_text(tmp_path, "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(4, 2), nn.ReLU(inplce=True))\n")
    [warning] = argument_warnings(report)
    assert warning.hint == "did you mean inplace=? its arguments: inplace"
    assert report.complete is False


KERAS_REAL = ["layers.ReLU(max_value=6.0, negative_slope=0.1)", "layers.LeakyReLU(negative_slope=0.2)",
              "layers.Dropout(rate=0.5, seed=1)", "layers.Softmax(axis=-1)", "layers.Activation(activation='relu')",
              "layers.GaussianNoise(stddev=0.1)", "layers.SpatialDropout1D(rate=0.2)", "layers.ELU(alpha=1.0)",
              "layers.LayerNormalization(rms_scaling=False)"]


@pytest.mark.parametrize("call", KERAS_REAL)
def test_keras_real_arguments_give_no_warning(tmp_path: Path, call: str) -> None:
    keras = pytest.importorskip("keras")
    text = ("from keras import layers, Sequential, Input\n"
            f"model = Sequential([Input((6, 4)), layers.Dense(4), {call}])\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace: dict[str, Any] = {"keras": keras}
        exec(compile(text, "oracle", "exec"), namespace)  # Keras takes the call: the oracle
    report = read_text(tmp_path, text)
    assert argument_warnings(report) == [], call
    assert report.total == namespace["model"].count_params()


def test_a_misspelled_keras_argument_warns_with_the_real_name(tmp_path: Path) -> None:
    keras = pytest.importorskip("keras")
    with pytest.raises((TypeError, ValueError)):
        keras.layers.Dense(4, use_bais=False)
    report = read_text(tmp_path, "from keras import layers, Sequential, Input\n"
                                 "model = Sequential([Input((6,)), layers.Dense(4, use_bais=False)])\n")
    [warning] = argument_warnings(report)
    assert "Dense has no argument 'use_bais'" in warning.message
    real = real_signature("keras", "Dense")
    assert real is not None
    assert warning.hint == f"did you mean use_bias=? its arguments: {', '.join(p for p in real.parameters if p != 'kwargs')}"


def test_a_keras_2_argument_keras_3_dropped_is_not_called_a_typo(tmp_path: Path) -> None:
    report = read_text(tmp_path, "from keras import layers, Sequential, Input\n"
                                 "model = Sequential([Input((6, 4)), layers.BatchNormalization(fused=True)])\n")
    assert argument_warnings(report) == []


def test_keras_lora_weights_are_counted_as_keras_makes_them(tmp_path: Path) -> None:
    keras = pytest.importorskip("keras")
    text = ("from keras import layers, Sequential, Input\n"
            "model = Sequential([Input((6,)), layers.Dense(8, lora_rank=2), layers.Dense(3)])\n")
    namespace: dict[str, Any] = {"keras": keras}
    exec(compile(text, "oracle", "exec"), namespace)
    model = namespace["model"]
    report = read_text(tmp_path, text)
    assert argument_warnings(report) == []
    assert report.total == model.count_params()
    assert report.trainable == sum(int(math.prod(w.shape)) for w in model.trainable_weights)


def test_every_keras_alias_is_spelled_as_its_class() -> None:
    """MaxPool2D is MaxPooling2D (the same class): the same kind, and named as Keras names the class."""
    for name, real in framework_signatures.load("keras").items():
        cls_name = real.class_path.rsplit(".", 1)[1]
        found = kinds.lookup("keras", cls_name)
        if cls_name == name or found is None:
            continue
        alias = kinds.lookup("keras", name)
        assert alias is not None and alias[0] is found[0], name
        assert alias[1].get("keras_class") == cls_name, name


def test_an_unreadable_argument_of_a_parameter_free_keras_layer_is_no_error(tmp_path: Path) -> None:
    """The rate or slope of a parameter-free layer, read from a config file, changes neither count nor shape."""
    report = read_text(tmp_path, "import json\nfrom keras import layers, Sequential, Input\n"
                                 "cfg = json.load(open('cfg.json'))\n"
                                 "model = Sequential([Input((6, 4)), layers.Dense(4), layers.ELU(alpha=cfg['alpha']),\n"
                                 "                    layers.Softmax(axis=cfg['axis']), layers.Dropout(cfg['rate'])])\n")
    assert report.total == 4 * 4 + 4
    assert argument_warnings(report) == []


def test_a_parameter_free_module_has_its_arguments_as_attributes(tmp_path: Path) -> None:
    """`self.drop.p` is the rate nn.Dropout was given, as torch keeps it (bound by its real signature)."""
    text = ("import torch.nn as nn\n"
            "class M(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.drop = nn.Dropout(0.25)\n"
            "        self.act = nn.Softmax(-1)\n"
            "        self.fc = nn.Linear(4, int(self.drop.p * 8) - self.act.dim)\n"
            "model = M()\n")
    namespace: dict[str, Any] = {}
    exec(compile(text, "oracle", "exec"), namespace)
    report = read_text(tmp_path, text)
    assert report.total == sum(p.numel() for p in namespace["model"].parameters())
    assert argument_warnings(report) == []


def test_each_class_read_alone_is_its_entry_in_the_whole_file() -> None:
    """lookup() parses one class's block of the committed file; it is the same data as the whole file's."""
    for framework in framework_signatures.FRAMEWORKS:
        classes = framework_signatures._data(framework)["classes"]
        assert classes and all(framework_signatures._entry(framework, name) == entry for name, entry in classes.items())
        assert framework_signatures._entry(framework, "NoSuchLayer") is None
