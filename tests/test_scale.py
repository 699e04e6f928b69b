"""Work that must not grow without bound: stacks of num_layers=10**12 are counted by multiplication, nested
models are walked once, and a model of 10,000 layers reads, counts and renders in about linear time.

Counts are checked against torch and Keras themselves: for a huge stack, the per-layer count comes from
torch at num_layers=1 and 2, and the expected total is that count times the number of layers."""

from __future__ import annotations

import importlib
import json
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import paramwise
from paramwise import kinds
from paramwise.errors import ParamwiseError
from paramwise.frontends import ReadOptions, read_path
from paramwise.frontends.source.python import interpreter as pyeval
from paramwise.infer import infer
from paramwise.ir import Call, Graph, Layer, TensorRef
from paramwise.kinds.base import STACK_LIMIT, STACK_SHOWN
from paramwise.kinds.rows import Input
from paramwise.render import View, table
from paramwise.report import Report
from torch_oracle import compare

torch = pytest.importorskip("torch")
nn = torch.nn

HUGE = 10**12
infer_module = importlib.import_module("paramwise.infer")  # the package exports a function of that name


def read(tmp_path: Path, text: str, name: str = "model.py") -> Report:
    path = tmp_path / name
    path.write_text(text)
    return paramwise.read(str(path))


def numel(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def timed(fn: Any) -> tuple[Any, float]:
    """The result and the CPU seconds it took (the machine running the tests may be shared)."""
    start = time.process_time()
    result = fn()
    return result, time.process_time() - start


# -- stacks: nn.LSTM/GRU/RNN num_layers, nn.TransformerEncoder/Decoder, nn.Transformer ------------------------------

RECURRENT = [
    ("LSTM", "8, 16", {}),
    ("LSTM", "8, 16", {"bidirectional": True}),
    ("LSTM", "8, 16", {"proj_size": 4}),
    ("GRU", "8, 16", {"bidirectional": True}),
    ("RNN", "8, 16", {"bias": False}),
]


def recurrent_source(cls: str, args: str, options: dict[str, Any], layers: int | str) -> str:
    extra = "".join(f", {k}={v!r}" for k, v in options.items())
    return f"import torch.nn as nn\nmodel = nn.{cls}({args}, num_layers={layers}{extra})\n"


@pytest.mark.parametrize("layers", [1, 2, 3, 4])
@pytest.mark.parametrize(("cls", "args", "options"), RECURRENT)
def test_recurrent_stacks_match_torch(tmp_path: Path, cls: str, args: str, options: dict[str, Any], layers: int) -> None:
    report = read(tmp_path, recurrent_source(cls, args, options, layers))
    model = getattr(nn, cls)(8, 16, num_layers=layers, **options)
    assert compare(report, model) == []
    ours = [(w.name, tuple(w.shape)) for w in report.rows[0].weight_objects]
    assert ours == [(n, tuple(p.shape)) for n, p in model.named_parameters()]


@pytest.mark.parametrize(("cls", "args", "options"), RECURRENT)
def test_recurrent_stack_past_the_limit_is_grouped_and_matches_torch(tmp_path: Path, cls: str, args: str,
                                                                      options: dict[str, Any]) -> None:
    layers = STACK_LIMIT + 3
    report = read(tmp_path, recurrent_source(cls, args, options, layers))
    model = getattr(nn, cls)(8, 16, num_layers=layers, **options)
    assert report.total == numel(model)
    names = [w.name for w in report.rows[0].weight_objects]
    assert len(names) <= (STACK_SHOWN + 1) * 2 * 5  # layers shown and one group, by direction, 5 tensors at most
    assert f"weight_hh_l{STACK_SHOWN}…{layers - 1}" in names


@pytest.mark.parametrize(("cls", "args", "options"), RECURRENT)
def test_recurrent_stack_of_10_12_layers_is_counted_by_multiplication(tmp_path: Path, cls: str, args: str,
                                                                      options: dict[str, Any]) -> None:
    one = numel(getattr(nn, cls)(8, 16, num_layers=1, **options))
    per_layer = numel(getattr(nn, cls)(8, 16, num_layers=2, **options)) - one
    report, seconds = timed(lambda: read(tmp_path, recurrent_source(cls, args, options, "10**12")))
    assert report.total == one + (HUGE - 1) * per_layer
    assert seconds < 5
    text = table.render_text(report, View(depth=None, explain=True))
    assert f"…{HUGE - 1}" in text


def encoder_source(layers: int | str) -> str:
    return (
        "import torch.nn as nn\n"
        "layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)\n"
        f"model = nn.TransformerEncoder(layer, num_layers={layers}, norm=nn.LayerNorm(16))\n"
    )


def encoder(layers: int) -> Any:
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)
    return nn.TransformerEncoder(layer, num_layers=layers, norm=nn.LayerNorm(16), enable_nested_tensor=False)


def transformer_source(encoders: int | str, decoders: int | str) -> str:
    return (
        "import torch.nn as nn\n"
        "model = nn.Transformer(d_model=16, nhead=2, dim_feedforward=32, "
        f"num_encoder_layers={encoders}, num_decoder_layers={decoders})\n"
    )


def transformer(encoders: int, decoders: int) -> Any:
    return nn.Transformer(d_model=16, nhead=2, dim_feedforward=32, num_encoder_layers=encoders,
                          num_decoder_layers=decoders)


@pytest.mark.parametrize("layers", [1, 2, 3, 4])
def test_transformer_encoder_stacks_match_torch(tmp_path: Path, layers: int) -> None:
    with _quiet():
        model = encoder(layers)
    assert compare(read(tmp_path, encoder_source(layers)), model) == []


@pytest.mark.parametrize(("encoders", "decoders"), [(1, 1), (2, 3), (4, 1)])
def test_transformer_stacks_match_torch(tmp_path: Path, encoders: int, decoders: int) -> None:
    with _quiet():
        model = transformer(encoders, decoders)
    assert compare(read(tmp_path, transformer_source(encoders, decoders)), model) == []


def test_transformer_encoder_past_the_limit_is_grouped_and_matches_torch(tmp_path: Path) -> None:
    layers = STACK_LIMIT + 2
    with _quiet():
        model = encoder(layers)
    report = read(tmp_path, encoder_source(layers))
    assert report.total == numel(model)
    rows = {r.name: r for r in report.rows}
    group = rows[f"layers.{STACK_SHOWN}…{layers - 1}"]
    assert group.params == sum(numel(model.layers[i]) for i in range(STACK_SHOWN, layers))
    assert f"layers.{STACK_SHOWN}" not in rows and len(report.rows) < 200


def test_transformer_encoder_of_10_12_layers_is_counted_by_multiplication(tmp_path: Path) -> None:
    with _quiet():
        one, two = numel(encoder(1)), numel(encoder(2))
    report, seconds = timed(lambda: read(tmp_path, encoder_source("10**12")))
    assert report.total == one + (HUGE - 1) * (two - one)
    assert seconds < 5 and len(report.rows) < 200


def test_transformer_of_10_12_layers_each_side_is_counted_by_multiplication(tmp_path: Path) -> None:
    with _quiet():
        base = numel(transformer(1, 1))
        per_encoder = numel(transformer(2, 1)) - base
        per_decoder = numel(transformer(1, 2)) - base
    report, seconds = timed(lambda: read(tmp_path, transformer_source("10**12", "10**12")))
    assert report.total == base + (HUGE - 1) * (per_encoder + per_decoder)
    assert seconds < 5
    expanded, seconds = timed(lambda: table.render_text(report, View(depth=None, explain=True)))
    assert seconds < 5 and len(expanded.splitlines()) < 2000
    assert f"decoder.layers.{STACK_SHOWN}…{HUGE - 1}" in expanded


@contextmanager
def _quiet() -> Iterator[None]:
    """torch warns about enable_nested_tensor and batch_first when building the oracle's transformers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# -- nested models: each walked once ---------------------------------------------------------------------------------


def keras_dense_count() -> int:
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8)])
    return int(model.count_params())


def nested_source(depth: int) -> str:
    return (
        "import keras\nfrom keras import layers\n"
        "m = keras.Sequential([keras.Input((8,)), layers.Dense(8)])\n"
        f"for i in range({depth}):\n"
        "    m = keras.Sequential([keras.Input((8,)), m])\n"
        "model = m\n"
    )


def test_nested_models_are_walked_once_per_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = read(tmp_path, nested_source(8))
    walks = []
    original = infer_module._shapes

    def counting(graph: Graph, input_shapes: Any) -> Any:
        walks.append(graph.name)
        return original(graph, input_shapes)

    monkeypatch.setattr(infer_module, "_shapes", counting)
    found, chosen = read_path(str(tmp_path / "model.py"), ReadOptions())
    graph = found[chosen].require()
    walks.clear()
    again = infer(graph)
    assert again.total == report.total == keras_dense_count()
    assert len(walks) <= 2 * 9  # the model and its 8 nested levels, each walked once (the cache may ask twice)


def test_a_model_nested_150_deep_answers_in_seconds(tmp_path: Path) -> None:
    report, seconds = timed(lambda: read(tmp_path, nested_source(150)))
    assert report.total == keras_dense_count()
    assert seconds < 10


def nested_config(depth: int) -> dict[str, Any]:
    """A Keras to_json() config: a Sequential holding a Sequential ... `depth` deep, with one Dense(8) inside."""
    def sequential(name: str, inner: dict[str, Any]) -> dict[str, Any]:
        source = {"class_name": "InputLayer", "config": {"batch_shape": [None, 8], "name": f"input_{name}"}}
        return {"class_name": "Sequential", "config": {"name": name, "layers": [source, inner]},
                "build_config": {"input_shape": [None, 8]}}

    model = sequential("sequential", {"class_name": "Dense", "config": {"name": "dense", "units": 8}})
    for i in range(1, depth):
        model = sequential(f"sequential_{i}", model)
    return model


def test_a_to_json_config_nested_150_deep_answers_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(nested_config(150)))
    report, seconds = timed(lambda: paramwise.read(str(path)))
    assert report.total == keras_dense_count()
    assert seconds < 5


# -- long models: about linear time ----------------------------------------------------------------------------------


def dense_chain(n: int) -> Graph:
    layers = [Layer("input", "InputLayer", Input("keras", "InputLayer", {"shape": (None, 8)}), hidden=True)]
    calls = [Call(0, ())]
    for i in range(1, n + 1):
        layers.append(Layer(f"dense_{i}", "Dense", kinds.make("keras", "Dense", [8], {})[0]))
        calls.append(Call(i, (TensorRef(i - 1),)))
    return Graph("keras", "chain", tuple(layers), tuple(calls), (TensorRef(0),), (TensorRef(n),))


def timed_process(fn: Any) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def count_and_render(n: int) -> float:
    graph = dense_chain(n)
    return timed_process(lambda: table.render_text(infer(graph)))


def test_counting_and_rendering_grow_about_linearly() -> None:
    small = min(count_and_render(1000) for _ in range(2))
    large = min(count_and_render(8000) for _ in range(2))
    assert large < 20 * max(small, 0.01)  # linear: about 8x; a quadratic walk: 64x


def container_graph(tmp_path: Path, n: int) -> Graph:
    path = tmp_path / f"blocks{n}.py"
    path.write_text(f"import torch.nn as nn\nmodel = nn.ModuleList([nn.Sequential(nn.Linear(8, 8)) for _ in range({n})])\n")
    found, chosen = read_path(str(path), ReadOptions())
    return found[chosen].require()


def test_many_containers_are_summed_in_about_linear_time(tmp_path: Path) -> None:
    def count(n: int) -> float:
        graph = container_graph(tmp_path, n)
        assert infer(graph).total == numel(nn.ModuleList([nn.Sequential(nn.Linear(8, 8)) for _ in range(n)]))
        return min(timed_process(lambda: infer(graph)) for _ in range(2))

    small, large = count(500), count(4000)
    assert large < 20 * max(small, 0.01)  # linear: about 8x; each container searching all rows: 64x


@pytest.fixture
def unhurried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interpreter's wall-clock budget off: the CPU time is what is measured, whatever the load."""
    monkeypatch.setattr(pyeval, "TIME_LIMIT", 0)


@pytest.mark.usefixtures("unhurried")
def test_a_keras_sequential_of_10000_layers(tmp_path: Path) -> None:
    text = (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((8,))])\n"
        "for i in range(10000):\n    model.add(layers.Dense(8))\n"
    )
    report, seconds = timed(lambda: read(tmp_path, text))
    assert report.total == 10000 * keras_dense_count()
    rendered, render_seconds = timed(lambda: table.render_text(report))
    assert rendered.count("(Dense)") == 2 * 10000  # a row and a line of arithmetic each
    assert seconds + render_seconds < 8


@pytest.mark.usefixtures("unhurried")
def test_a_torch_sequential_of_10000_layers(tmp_path: Path) -> None:
    text = "import torch.nn as nn\nmodel = nn.Sequential(*[nn.Linear(8, 8) for _ in range(10000)])\n"
    report, seconds = timed(lambda: read(tmp_path, text))
    assert report.total == numel(nn.Sequential(*[nn.Linear(8, 8) for _ in range(10000)]))
    rendered, render_seconds = timed(lambda: table.render_text(report))
    assert "9999 (Linear)" in rendered
    assert seconds + render_seconds < 8


# -- the table without rich is rich's table ------------------------------------------------------------------------

CASES = Path(__file__).resolve().parent / "cases"
SAMPLE = sorted(CASES.glob("keras/*.py"))[::9] + sorted(CASES.glob("torch/*.py"))[::9]


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.stem)
def test_plain_table_is_what_rich_prints(path: Path) -> None:
    try:
        report = paramwise.read(str(path))
    except ParamwiseError:
        pytest.skip("the case is not read without its options")
    for view in (View(depth=0), View(depth=None, explain=True), View(depth=None, width=70), View(depth=None, width=52),
                 View(depth=0, width=40)):
        plain = table.plain_text(report, view)
        if plain is not None:
            assert plain == table.rich_text(report, view)


def test_a_table_wider_than_the_page_is_wrapped_as_rich_wraps_it(tmp_path: Path) -> None:
    """Shapes and connections wrapped at their spaces, the columns narrowed as rich narrows them, the header
    aligned at the bottom: without rich, the same text."""
    source = tmp_path / "residual.py"
    source.write_text("import keras\nfrom keras import layers\n"
                      "inputs = keras.Input((32, 32, 3), name='image_input_tensor')\n"
                      "a = layers.Conv2D(8, 3, padding='same', name='first_convolution_branch')(inputs)\n"
                      "b = layers.Conv2D(8, 1, name='second_convolution_branch')(inputs)\n"
                      "c = layers.Add(name='merged_branches')([a, b])\n"
                      "model = keras.Model(inputs, layers.GlobalAveragePooling2D()(c))\n")
    report = paramwise.read(str(source))
    wrapped_rows = 0
    for width in (50, 60, 72, 90):
        view = View(depth=None, width=width)
        plain = table.plain_text(report, view)
        assert plain is not None, width
        assert plain == table.rich_text(report, view), width
        rows = [line for line in plain.splitlines() if line.startswith("│")]
        wrapped_rows += sum(1 for line in rows if line.startswith("│ ") and line[2] == " ")
    assert wrapped_rows > 0  # some cell took a second line


@pytest.mark.parametrize("name", ["[bold]x[/bold]", "a:smile:b", "名前", "tab\there", "x" * 150, "a b " * 40])
def test_odd_layer_names_render_as_rich_renders_them(name: str) -> None:
    graph = dense_chain(3)
    layers = list(graph.layers)
    layers[2] = Layer(name, "Dense", layers[2].kind)
    report = infer(Graph("keras", name, tuple(layers), graph.calls, graph.inputs, graph.outputs))
    for view in (View(depth=0), View(depth=0, width=60)):
        assert table.render_text(report, view) == table.rich_text(report, view)


def test_a_megabyte_long_name_is_cut_in_tables_and_kept_whole_in_json() -> None:
    graph = dense_chain(3)
    layers = list(graph.layers)
    name = "n" * 1_000_000
    layers[2] = Layer(name, "Dense", layers[2].kind)
    report = infer(Graph("keras", name, tuple(layers), graph.calls, graph.inputs, graph.outputs))
    rendered = table.render_text(report, View(depth=0))
    assert "… (1,000,000 characters) (Dense)" in rendered and len(rendered) < 10_000
    assert any(row["name"] == name for row in report.to_json()["layers"])
