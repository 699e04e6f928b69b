"""`paramwise check`: every catalogued mistake is found by recomputation.

Each claim is made the way a person makes the mistake: the true counts come from real Keras (or
PyTorch), and the test applies the mistake's arithmetic to them. No expected count is typed here; the
only typed numbers are the learner's own, quoted from the seed question.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import pytest

from helpers import CASES
from paramwise import kinds
from paramwise.cli import main
from paramwise.cli.options import load
from paramwise.frontends import ReadOptions, read_path
from paramwise.infer import infer
from paramwise.teach.check import check, is_digit_slip, parse_claims
from paramwise.teach.mistakes import CATALOGUE, MISTAKES

pytest.importorskip("keras")
from keras_oracle import build  # noqa: E402

ROOT = CASES.parent.parent
SRC = ROOT / "src" / "paramwise"
CHECK = CASES / "check"
MNIST = ROOT / "examples" / "mnist_cnn.py"
LESSON = ROOT / "examples" / "cnn_lesson.py"
SEED_RUNNING = "288,540988,541988"  # the learner's running totals, as written in the question


def diagnose(path: Path, claims: list[int], mode: str = "layers") -> Any:
    found, chosen = read_path(str(path), ReadOptions())
    graph = found[chosen].graph
    assert graph is not None
    return check(graph, infer(graph), claims, mode)


def counts(model: Any) -> list[int]:
    return [layer.count_params() for layer in model.layers]


def size(variable: Any) -> int:
    return math.prod(tuple(variable.shape))


def bias_size(layer: Any) -> int:
    return sum(size(w) for w in layer.weights if "bias" in w.path.split("/")[-1])


def finding(diagnosis: Any, name: str) -> Any:
    return next(f for f in diagnosis.findings if f.row.name == name)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out


# -- the second seed, end to end -----------------------------------------------------------------------------------


def test_seed_running_totals_account_for_every_missing_parameter() -> None:
    model = build(MNIST)
    conv, _, _, dense, dense_1 = model.layers
    d = diagnose(MNIST, parse_claims(SEED_RUNNING), "running")
    claimed_total = parse_claims(SEED_RUNNING)[-1]
    assert d.report.total == model.count_params()
    assert not d.correct
    parts = [(p.code, p.amount) for f in d.findings for p in f.parts]
    assert ("missing_bias", bias_size(conv)) in parts
    assert ("missing_bias", bias_size(dense)) in parts
    assert ("missing_bias", bias_size(dense_1)) in parts
    # what the learner wrote after dense, minus what 288 + (dense without its biases) makes
    running = parse_claims(SEED_RUNNING)
    slip = (running[0] + dense.count_params() - bias_size(dense)) - running[1]
    assert ("addition_slip", slip) in parts
    assert sum(amount for _, amount in parts) == model.count_params() - claimed_total
    assert finding(d, "dense").mistakes == ("missing_bias", "addition_slip")


def test_seed_output_reads_like_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    model = build(MNIST)
    conv = model.layers[0]
    code, out = run_cli(capsys, str(MNIST), "--claim", SEED_RUNNING, "--running", "--quiet")
    assert code == 1
    kh, kw, c_in, filters = tuple(conv.kernel.shape)
    assert (
        f"conv2d: you have {size(conv.kernel)} = {kh}·{kw}·{filters} weights; each of the {filters} filters also "
        f"has a bias: ({kh}·{kw}·{c_in} + 1)·{filters} = {conv.count_params()}"
    ) in out
    assert "lost in the addition" in out
    assert f"{model.count_params() - parse_claims(SEED_RUNNING)[-1]:,} short of {model.count_params():,}" in out
    assert "aligned with conv2d, dense, dense_1" in out and "max_pooling2d, flatten have no parameters" in out


def test_seed_per_layer_claim_skipping_zero_layers_is_aligned() -> None:
    model = build(MNIST)
    without_bias = [c - bias_size(layer) for c, layer in zip(counts(model), model.layers) if c]
    d = diagnose(MNIST, without_bias)
    assert {f.row.name: f.mistakes for f in d.findings if f.claimed} == {
        "conv2d": ("missing_bias",), "dense": ("missing_bias",), "dense_1": ("missing_bias",)
    }
    assert "max_pooling2d, flatten have no parameters" in d.alignment


def test_seed_total_only_names_the_biases_and_the_leftover() -> None:
    model = build(MNIST)
    d = diagnose(MNIST, [parse_claims(SEED_RUNNING)[-1]], "total")
    assert [f.mistakes for f in d.findings if f.mistakes] == [("missing_bias",)] * 3
    leftover = parse_claims(SEED_RUNNING)[-1] - (model.count_params() - sum(bias_size(layer) for layer in model.layers))
    assert is_digit_slip(leftover)
    assert any("addition slip" in line for line in d.summary)


def test_pasted_seed_without_flatten_has_the_keras_count() -> None:
    model = build(CHECK / "mnist_no_flatten.py")
    pasted = CHECK / "mnist_pasted.txt"
    found, chosen = read_path(str(pasted), ReadOptions())  # no imports, a deprecated optimizer argument
    graph = found[chosen].graph
    assert graph is not None
    report = infer(graph)
    assert report.total == model.count_params()
    d = check(graph, report, parse_claims(SEED_RUNNING), "running")
    assert any(p.code == "dense_on_feature_map" for p in d.pitfalls)
    assert any(line.startswith("Note: dense is applied to a 4-D tensor") for line in d.summary)


def test_first_seed_lesson_counts() -> None:
    model = build(LESSON)
    true = counts(model)
    assert diagnose(LESSON, true).correct
    conv1 = model.layers[0]
    kh, kw, c_in, filters = tuple(conv1.kernel.shape)
    # the lesson's intermediate step: 32*3*3 = 288, before multiplying by the 3 inputs and adding the biases
    d = diagnose(LESSON, [kh * kw * filters] + true[1:])
    assert finding(d, "Conv1").mistakes == ("missing_bias", "missing_input_channels")


# -- one case per catalogued mistake -------------------------------------------------------------------------------


def test_missing_input_channels() -> None:
    model = build(LESSON)
    true = counts(model)
    kernel = model.layers[0].kernel
    claim = true[0] - size(kernel) + size(kernel) // kernel.shape[2]
    assert finding(diagnose(LESSON, [claim] + true[1:]), "Conv1").mistakes == ("missing_input_channels",)


def test_missing_kernel_depth() -> None:
    path = CHECK / "conv3d.py"
    model = build(path)
    true = counts(model)
    kernel = model.layers[0].kernel
    claim = true[0] - size(kernel) + size(kernel) // kernel.shape[0]
    assert finding(diagnose(path, [claim] + true[1:]), "conv3d").mistakes == ("missing_kernel_depth",)


def test_spatial_instead_of_channels() -> None:
    model = build(LESSON)
    true = counts(model)
    kernel = model.layers[0].kernel
    image_side = model.inputs[0].shape[1]
    claim = true[0] - size(kernel) + size(kernel) // kernel.shape[2] * image_side
    assert finding(diagnose(LESSON, [claim] + true[1:]), "Conv1").mistakes == ("spatial_instead_of_channels",)


def test_wrong_flatten_size_forgotten_pooling() -> None:
    model = build(MNIST)
    true = counts(model)
    conv, dense = model.layers[0], model.layers[3]
    flat_without_pooling = math.prod(tuple(conv.output.shape)[1:])
    claim = (flat_without_pooling + 1) * dense.units
    d = diagnose(MNIST, true[:3] + [claim] + true[4:])
    assert finding(d, "dense").mistakes == ("wrong_flatten_size",)


def test_wrong_flatten_size_unshrunk_valid_conv() -> None:
    model = build(MNIST)
    true = counts(model)
    dense = model.layers[3]
    side = model.inputs[0].shape[1] // 2  # the conv taken as keeping 28x28, then pooled
    claim = (side * side * model.layers[0].filters + 1) * dense.units
    assert finding(diagnose(MNIST, true[:3] + [claim] + true[4:]), "dense").mistakes == ("wrong_flatten_size",)


def test_params_on_parameterless_layer() -> None:
    model = build(MNIST)
    true = counts(model)
    claim = true[:1] + [true[0]] + true[2:]  # the pooling layer given the conv's count again
    d = diagnose(MNIST, claim)
    assert finding(d, "max_pooling2d").mistakes == ("params_on_parameterless_layer",)


def test_addition_slip_alone() -> None:
    model = build(LESSON)
    running = [sum(counts(model)[: i + 1]) for i in range(len(model.layers))]
    running = running[:3] + [r - 1000 for r in running[3:]]  # a carry dropped when adding Conv3
    d = diagnose(LESSON, running, "running")
    assert [f.mistakes for f in d.findings if f.mistakes] == [("addition_slip",)]


def test_framework_convention_batchnorm_moving_stats() -> None:
    path = CHECK / "batchnorm.py"
    model = build(path)
    true = counts(model)
    bn = model.layers[1]
    claim = sum(size(w) for w in bn.trainable_weights)
    d = diagnose(path, true[:1] + [claim] + true[2:])
    assert finding(d, "batch_normalization").mistakes == ("framework_convention",)


def test_framework_convention_pytorch_lstm_count() -> None:
    if kinds.lookup("keras", "LSTM") is None:
        pytest.skip("no LSTM kind yet")
    torch = pytest.importorskip("torch")
    path = CHECK / "lstm.py"
    model = build(path)
    true = counts(model)
    lstm = model.layers[0]
    claim = sum(p.numel() for p in torch.nn.LSTM(lstm.input.shape[-1], lstm.units).parameters())
    d = diagnose(path, [claim] + true[1:])
    assert "framework_convention" in finding(d, lstm.name).mistakes


def test_framework_convention_keras_lstm_count_for_a_pytorch_model() -> None:
    import keras

    path = CHECK / "torch_lstm.py"
    d0 = diagnose(path, [0, 0])
    lstm, head = (f.row for f in d0.findings)
    d_in = lstm.input_shapes[0][-1] if lstm.input_shapes else next(w.dims[1].value for w in lstm.weight_objects)
    real = keras.Sequential([keras.Input((None, d_in)), keras.layers.LSTM(lstm.weight_objects[1].shape[1])])
    d = diagnose(path, [real.count_params(), head.params])
    assert finding(d, "lstm").mistakes == ("framework_convention",)
    assert "Keras count" in finding(d, "lstm").lines[0]


def test_framework_convention_gru_reset_after() -> None:
    import keras

    path = CHECK / "gru_reset_before.py"
    model = build(path)
    true = counts(model)
    gru = model.layers[0]
    other = keras.Sequential([keras.Input(tuple(gru.input.shape[1:])), keras.layers.GRU(gru.units, reset_after=True)])
    d = diagnose(path, [other.count_params()] + true[1:])
    assert finding(d, "gru").mistakes == ("framework_convention",)
    assert "reset_after=True" in finding(d, "gru").lines[0]


def test_bidirectional_not_doubled() -> None:
    if kinds.lookup("keras", "Bidirectional") is None:
        pytest.skip("no Bidirectional kind yet")
    path = CHECK / "bidirectional.py"
    model = build(path)
    true = counts(model)
    claim = model.layers[0].forward_layer.count_params()
    d = diagnose(path, [claim] + true[1:])
    assert finding(d, model.layers[0].name).mistakes == ("bidirectional_not_doubled",)


def test_embedding_swapped() -> None:
    if kinds.lookup("keras", "Embedding") is None:
        pytest.skip("no Embedding kind yet")
    path = CHECK / "embedding.py"
    model = build(path)
    true = counts(model)
    embedding = model.layers[0]
    claim = model.inputs[0].shape[1] * embedding.output_dim
    d = diagnose(path, [claim] + true[1:])
    assert finding(d, embedding.name).mistakes == ("embedding_swapped",)


def test_shared_counted_twice() -> None:
    path = CHECK / "shared_dense.py"
    model = build(path)
    by_name = {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
    claim = [by_name["shared"] * 2, by_name["out"]]
    d = diagnose(path, claim)
    assert finding(d, "shared").mistakes == ("shared_counted_twice",)


def test_unexplained_is_said_plainly() -> None:
    model = build(MNIST)
    true = counts(model)
    d = diagnose(MNIST, true[:4] + [true[4] + 7])
    f = finding(d, "dense_1")
    assert f.mistakes == ("unexplained",)
    assert "no catalogued mistake gives" in f.lines[0]


def test_every_catalogued_mistake_has_a_test() -> None:
    source = Path(__file__).read_text()
    for code in CATALOGUE:
        assert f'"{code}"' in source or f"_{code}" in source or f"test_{code}" in source, code


# -- command line: exit codes and JSON -----------------------------------------------------------------------------


def test_right_claim_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    model = build(MNIST)
    code, out = run_cli(capsys, str(MNIST), "--claim-total", str(model.count_params()), "--quiet")
    assert code == 0
    assert "is right" in out


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MNIST), "--claim", "288,abc"]) == 2
    assert main(["check", str(MNIST), "--claim", ",".join(["1"] * 9)]) == 2
    assert main(["check", str(CHECK / "missing.py"), "--claim-total", "1"]) == 2
    err = capsys.readouterr().err
    assert "a claim must be whole numbers of at most 30 digits; got 'abc'" in err
    assert "you gave 9 numbers but the model has 5 layers" in err


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    model = build(MNIST)
    code, out = run_cli(capsys, str(MNIST), "--claim", SEED_RUNNING, "--running", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["schema"] == "paramwise-check/1"
    assert data["true_total"] == model.count_params()
    assert data["correct"] is False
    assert data["difference"] == parse_claims(SEED_RUNNING)[-1] - model.count_params()
    names = [layer["name"] for layer in data["layers"]]
    assert names == [layer.name for layer in model.layers]
    for layer, real in zip(data["layers"], model.layers):
        assert set(layer) >= {"name", "claimed", "true", "difference", "mistakes", "corrected"}
        assert layer["true"] == real.count_params()
        assert isinstance(layer["mistakes"], list)
    assert data["layers"][0]["corrected"].endswith(f"= {model.layers[0].count_params():,}")


def test_load_keeps_graph_and_report() -> None:
    class Args:
        path, model, set, input_shape, class_name, args, framework = str(MNIST), None, [], None, None, "", None

    graph, report = load(Args())
    assert len(graph.layers) >= len(report.rows)


def test_a_layer_left_out_is_found_by_alignment() -> None:
    model = build(MNIST)
    with_params = [(layer.name, layer.count_params()) for layer in model.layers if layer.count_params()]
    for left_out in range(len(with_params)):
        claims = [count for i, (_, count) in enumerate(with_params) if i != left_out]
        d = diagnose(MNIST, claims)
        name = with_params[left_out][0]
        assert finding(d, name).claimed is None
        assert finding(d, name).mistakes == ("unexplained",)
        assert f"{name} has parameters but no number of yours" in d.alignment


@pytest.mark.parametrize("case", ["lstm.py", "gru_reset_before.py"])
def test_missing_bias_per_gate(case: str) -> None:
    path = CHECK / case
    model = build(path)
    true = counts(model)
    recurrent = model.layers[0]
    d = diagnose(path, [true[0] - bias_size(recurrent)] + true[1:])
    f = finding(d, recurrent.name)
    assert f.mistakes == ("missing_bias",)
    assert "each gate of each unit" in f.lines[0]


def test_total_only_one_layer_or_nothing() -> None:
    model = build(MNIST)
    last = model.layers[-1]
    d = diagnose(MNIST, [model.count_params() - bias_size(last)], "total")
    assert [(f.row.name, f.mistakes) for f in d.findings if f.mistakes] == [(last.name, ("missing_bias",))]
    d = diagnose(MNIST, [model.count_params() - 7], "total")
    assert all(not f.mistakes for f in d.findings)
    assert any(line.startswith("No catalogued mistake explains the difference") for line in d.summary)


@pytest.mark.parametrize("claim", ["9" * 5000, "²", "١٢", "1" * 31])
def test_claims_are_ascii_whole_numbers_of_at_most_30_digits(claim: str) -> None:
    from paramwise.errors import InputError
    from paramwise.teach.check import parse_claims

    with pytest.raises(InputError, match="a claim must be whole numbers of at most 30 digits"):
        parse_claims(f"288,{claim}")


def test_every_mistake_code_is_one_registry_entry() -> None:
    """check, the finders and the JSON name only codes of MISTAKES, each with a description and a label."""
    used: set[str] = set()
    for path in (SRC / "teach").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Variant", "Part", "Finding"):
                for arg in node.args[:3]:
                    items = arg.elts if isinstance(arg, ast.Tuple) else [arg]
                    used |= {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
    codes = [m.code for m in MISTAKES]
    assert len(codes) == len(set(codes))
    assert sorted(used - set(codes)) == []
    assert all(m.description and "{}" in m.label for m in MISTAKES)


@pytest.mark.parametrize("path", [MNIST, LESSON, CHECK / "lstm.py"], ids=lambda p: p.name)
def test_a_right_total_is_right_and_nothing_is_unexplained(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = build(path)
    code, out = run_cli(capsys, str(path), "--claim-total", str(model.count_params()))
    assert code == 0
    assert f"Your count {model.count_params():,} is right." in out
    assert "unexplained" not in out and "No catalogued mistake" not in out
