"""`--as keras|torch`: the same layers counted in the other framework's conventions, against real
PyTorch and real Keras layers."""

from __future__ import annotations

import pytest

from helpers import CASES
from paramwise import kinds
from paramwise.cli import main
from paramwise.cli.options import load
from paramwise.teach.convert import convert_kind, convert_report

torch = pytest.importorskip("torch")
pytest.importorskip("keras")
from keras_oracle import build  # noqa: E402

ROOT = CASES.parent.parent
CHECK = CASES / "check"
nn = torch.nn


class Args:
    model, set, input_shape, class_name, args, framework = None, [], None, None, "", None

    def __init__(self, path: str) -> None:
        self.path = path


def torch_counts(path: str) -> dict[str, tuple[int, int]]:
    graph, report = load(Args(path))
    return {c.row.name: (c.count, c.buffers) for c in convert_report(graph, report)}


def params(module: object) -> int:
    return sum(p.numel() for p in module.parameters())  # type: ignore[attr-defined]


def buffers(module: object) -> int:
    return sum(b.numel() for b in module.buffers())  # type: ignore[attr-defined]


def test_mnist_cnn_in_pytorch() -> None:
    model = build(ROOT / "examples" / "mnist_cnn.py")
    conv, _, flatten, dense, dense_1 = model.layers
    got = torch_counts(str(ROOT / "examples" / "mnist_cnn.py"))
    c_in = conv.input.shape[-1]
    assert got["conv2d"][0] == params(nn.Conv2d(c_in, conv.filters, conv.kernel_size))
    assert got["dense"][0] == params(nn.Linear(flatten.output.shape[-1], dense.units))
    assert got["dense_1"][0] == params(nn.Linear(dense.units, dense_1.units))


def test_batchnorm_in_pytorch_has_buffers() -> None:
    model = build(CHECK / "batchnorm.py")
    bn = model.layers[1]
    channels = bn.input.shape[-1]
    got = torch_counts(str(CHECK / "batchnorm.py"))["batch_normalization"]
    assert got == (params(nn.BatchNorm2d(channels)), buffers(nn.BatchNorm2d(channels)))
    assert got[0] != bn.count_params()


@pytest.mark.parametrize("case,make", [
    ("lstm.py", lambda i, h: nn.LSTM(i, h)),
    ("gru_reset_before.py", lambda i, h: nn.GRU(i, h)),
    ("bidirectional.py", lambda i, h: nn.LSTM(i, h, bidirectional=True)),
])
def test_recurrent_in_pytorch(case: str, make: object) -> None:
    if kinds.lookup("keras", "LSTM") is None:
        pytest.skip("no recurrent kinds")
    model = build(CHECK / case)
    layer = model.layers[0]
    units = getattr(layer, "units", None) or layer.forward_layer.units
    got = torch_counts(str(CHECK / case))[layer.name]
    assert got[0] == params(make(layer.input.shape[-1], units))  # type: ignore[operator]


def test_text_view(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CHECK / "lstm.py"), "--as", "torch", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "LSTM -> LSTM" in out and "differs" in out and "two bias vectors per gate" in out
    assert main([str(CHECK / "lstm.py"), "--as", "keras"]) == 2


def keras_count(layer: object, shape: tuple[int | None, ...]) -> int:
    layer.build(shape)  # type: ignore[attr-defined]
    return layer.count_params()  # type: ignore[attr-defined]


def test_pytorch_layers_in_keras() -> None:
    import keras

    cases = [
        (("Linear", [20, 30], {}), (None, 20), keras.layers.Dense(30)),
        (("Conv2d", [3, 8, 5], {}), (None, 3, 32, 32), keras.layers.Conv2D(8, 5)),
        (("BatchNorm2d", [8], {}), (None, 8, 16, 16), keras.layers.BatchNormalization()),
        (("Embedding", [100, 12], {}), (None, 7), keras.layers.Embedding(100, 12)),
    ]
    if kinds.lookup("torch", "LSTM") is not None:
        cases.append((("LSTM", [10, 20], {"batch_first": True}), (None, 5, 10), keras.layers.LSTM(20)))
    for (name, args, kw), shape, real in cases:
        kind, _ = kinds.make("torch", name, args, kw)
        converted = convert_kind(kind, shape)
        assert converted is not None, name
        target, target_shape = converted
        count = sum(w.count for w in target.weights([target_shape]) if not w.is_buffer)
        assert count == keras_count(real, target_shape), name


def test_stacked_bidirectional_pytorch_lstm_in_keras() -> None:
    import keras

    from paramwise.teach.convert import target_weights

    if kinds.lookup("torch", "LSTM") is None:
        pytest.skip("no recurrent kinds")
    d_in, hidden, steps = 10, 20, 5
    kind, _ = kinds.make("torch", "LSTM", [d_in, hidden], {"num_layers": 2, "bidirectional": True, "batch_first": True})
    found = target_weights(kind, [])
    assert found is not None
    count = sum(w.count for w in found[1] if not w.is_buffer)
    real = keras.Sequential([
        keras.Input((steps, d_in)),
        keras.layers.Bidirectional(keras.layers.LSTM(hidden, return_sequences=True)),
        keras.layers.Bidirectional(keras.layers.LSTM(hidden)),
    ])
    assert count == real.count_params()
    assert count != params(nn.LSTM(d_in, hidden, num_layers=2, bidirectional=True))


def test_pytorch_source_in_keras() -> None:
    path = CASES / "torch" / "lenet_functional.py"
    if not path.exists():
        pytest.skip("no PyTorch cases")
    got = torch_counts(str(path))
    import keras

    real = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(6, 5, name="conv1"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(16, 5, name="conv2"), keras.layers.MaxPooling2D(), keras.layers.Flatten(),
        keras.layers.Dense(120, name="fc1"), keras.layers.Dense(84, name="fc2"), keras.layers.Dense(10, name="fc3"),
    ])
    for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
        assert got[name][0] == real.get_layer(name).count_params(), name
