"""A live torch RNN, LSTM or GRU on a long sequence: its output shapes come from one step of torch's own meta
forward with the time axis set to the sequence's length (torch's meta forward works through the sequence one
step at a time: a 1,000-step GRU took 12 s). Each shape is compared with torch's own forward on CPU."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

import paramwise  # noqa: E402


def shapes(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    return [shapes(v) for v in value]


def flat(value: Any) -> list[tuple[int, ...]]:
    if isinstance(value, tuple) and all(isinstance(d, int) for d in value):
        return [value]
    return [s for v in value for s in flat(v)]


class Holder(torch.nn.Module):
    def __init__(self, rnn: Any) -> None:
        super().__init__()
        self.rnn = rnn
        self.head = torch.nn.Linear(1, 2)

    def forward(self, x: Any, hx: Any = None) -> Any:
        out, state = self.rnn(x, hx)
        return self.head(out[..., :1]), state


CASES = [
    (lambda: torch.nn.GRU(8, 6), (300, 2, 8)),
    (lambda: torch.nn.GRU(8, 6, num_layers=3, bidirectional=True, batch_first=True), (2, 300, 8)),
    (lambda: torch.nn.LSTM(8, 6, num_layers=2, bidirectional=True, proj_size=3), (300, 2, 8)),
    (lambda: torch.nn.LSTM(8, 6, batch_first=True), (300, 8)),  # unbatched: batch_first does not apply
    (lambda: torch.nn.RNN(8, 5, nonlinearity="relu"), (300, 8)),
    (lambda: torch.nn.RNN(8, 5, batch_first=True), (4, 9, 8)),  # just over the steps run whole
    (lambda: torch.nn.LSTM(8, 6), (5, 2, 8)),  # short: torch's whole meta forward
]


@pytest.mark.parametrize("make, size", CASES)
def test_long_sequences_have_torch_shapes(make: Any, size: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    model = Holder(make())
    with torch.no_grad():
        out, state = model(torch.zeros(size))
        inner = model.rnn(torch.zeros(size))
    report = paramwise.summary(model, input_size=size)
    assert not report.warnings, [w.message for w in report.warnings]
    rows = {r.name: r for r in report.rows}
    assert flat(rows["rnn"].output_shape) == flat(shapes(inner))
    assert rows["head"].output_shape == tuple(out.shape)
    assert report.total == sum(p.numel() for p in model.parameters())


def test_an_initial_state_is_still_checked_by_torch() -> None:
    """hx of the wrong shape: torch's own check runs on the first step, and its message is the warning."""
    model = Holder(torch.nn.GRU(8, 6))
    with pytest.raises(RuntimeError) as raised:
        model(torch.zeros(50, 2, 8), torch.zeros(2, 2, 6))
    report = paramwise.summary(model, input_data=[torch.zeros(50, 2, 8), torch.zeros(2, 2, 6)])
    messages = " ".join(w.message for w in report.warnings)
    assert "forward" in messages and str(raised.value).split(",")[0][:40] in messages, messages
    assert report.total == sum(p.numel() for p in model.parameters())


def test_a_wrong_input_width_is_torchs_error() -> None:
    model = Holder(torch.nn.LSTM(8, 6))
    report = paramwise.summary(model, input_size=(100, 2, 7))
    assert any("input.size(-1) must be equal to input_size" in w.message for w in report.warnings)


def test_the_users_module_is_not_changed() -> None:
    model = Holder(torch.nn.GRU(8, 6))
    before = dict(vars(model.rnn))
    paramwise.summary(model, input_size=(100, 2, 8))
    assert "forward" not in vars(model.rnn) and vars(model.rnn).keys() == before.keys()
