"""Notebooks show what the terminal shows: for the same model, the HTML of `paramwise.read(...)` /
`paramwise.summary(...)` (parsed with html.parser) and the command's table have the same rows, cells, counts,
arithmetic, totals (buffers, dtypes, the reader's notes, the cost) and warnings (pitfalls among them)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import CASES, ROOT
from paramwise.cli import main

LESSON_PAGE = Path(__file__).parent / "lesson_page.txt"


class Facts(HTMLParser):
    """What the notebook HTML says: the table's header and rows (cells as text), the totals and the warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.totals: list[str] = []
        self.warnings: list[str] = []
        self.cell: list[str] | None = None
        self.where: list[str] = []  # the open elements that matter: th, td, li (totals/warning), the sub-parts
        self.divs: list[bool] = []  # each open <div>: whether it is a sub-part (a cell's sub-line, a hint)
        self.quiet = 0  # inside <style>, <pre>, a sub-line of a cell or a warning's hint: not the head text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "tr":
            self.row: list[str] = []
        elif tag in ("th", "td"):
            self.cell = []
        elif tag == "li":
            self.where.append("warning" if "pw-warning" in classes else "total")
            self.cell = []
        if tag == "div":
            self.divs.append("pw-sub" in classes)
        if tag in ("style", "pre") or (tag == "div" and self.divs[-1]):
            self.quiet += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "pre") or (tag == "div" and self.divs.pop()):
            self.quiet -= 1
        elif tag in ("th", "td") and self.cell is not None:
            (self.headers if tag == "th" else self.row).append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.rows.append(self.row)
        elif tag == "li" and self.cell is not None:
            (self.warnings if self.where.pop() == "warning" else self.totals).append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.quiet:
            self.cell.append(data)


def notebook_facts(report: paramwise.Report) -> Facts:
    facts = Facts()
    facts.feed(report._repr_html_())
    return facts


def terminal_facts(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The command's table (wide enough that nothing is wrapped or shortened), arithmetic, totals and warnings."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main([*args, "--width", "400"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in lines if line.startswith("│")]
    totals = out.rstrip().split("\n\n")[-1].splitlines()
    warnings = [line.split(": warning: ", 1)[1] if ": warning: " in line else line[len("warning: "):]
                for line in err.splitlines() if "warning: " in line and not line.startswith(" ")]
    return {"headers": [c.strip() for c in header.strip("┃").split("┃")], "rows": rows, "out": out,
            "totals": [t.strip() for t in totals], "warnings": warnings}


def same_facts(report: paramwise.Report, cli: dict[str, Any]) -> Facts:
    html = notebook_facts(report)
    assert html.headers == cli["headers"] + ["Arithmetic"]
    assert [row[:-1] for row in html.rows] == cli["rows"]  # every row, every cell: names, shapes, counts, MACs, buffers
    for row in html.rows:
        if row[-1]:
            assert row[-1] in cli["out"]  # the same arithmetic
    assert html.totals == cli["totals"]  # totals, buffers, dtypes, notes, the cost
    heads = [w.split(": warning: ", 1)[-1].removeprefix("warning: ") for w in html.warnings]
    assert heads == cli["warnings"]  # grouped, in line order, pitfalls among them
    return html


CASES_READ = [
    (["examples/mnist_cnn.py"], {}),
    ([str(CASES / "torch" / "resnet_basic_blocks.py"), "--input-shape", "1,3,32,32", "--depth", "1"],
     {"input_shape": (1, 3, 32, 32), "depth": 1}),
    ([str(LESSON_PAGE), "--set", "img_SIZE=32"], {"bindings": {"img_SIZE": 32}}),
    ([str(CASES / "torch" / "a_dcgan_generator.py"), "--input-shape", "2,16,1,1", "--expand"],
     {"input_shape": (2, 16, 1, 1), "expand": True}),
]


@pytest.mark.parametrize(("args", "options"), CASES_READ, ids=[Path(a[0]).name for a, _ in CASES_READ])
def test_notebook_and_terminal_show_the_same_facts(args: list[str], options: dict[str, Any],
                                                   capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT.parent)
    cli = terminal_facts(args, capsys, monkeypatch)
    html = same_facts(paramwise.read(args[0], **options), cli)
    assert html.rows and html.totals[0].startswith("Total params:")


def test_lesson_page_warnings_are_grouped_in_the_notebook() -> None:
    html = notebook_facts(paramwise.read(str(LESSON_PAGE), bindings={"img_SIZE": 32}))
    text = " ".join(html.warnings)
    assert "replaced curly quotes on 9 lines with plain ones: 15, 17, 21" in text
    lines = [int(w.split(":")[1]) for w in html.warnings]
    assert lines == sorted(lines) and len(html.warnings) < 15


def test_checkpoint_dtypes_and_notes_in_the_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    state["2.weight"] = state["2.weight"].to(torch.float16)
    path = tmp_path / "mixed.safetensors"
    save_file(state, str(path))
    html = same_facts(paramwise.read(str(path)), terminal_facts([str(path)], capsys, monkeypatch))
    assert "F16: 8 values (16 B)" in html.totals and "Buffers: 9" in html.totals  # values per dtype, buffers


def test_live_torch_model_html_has_buffers_notes_and_depth() -> None:
    torch = pytest.importorskip("torch")

    class Block(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.bn = torch.nn.BatchNorm2d(8)

        def forward(self, x: Any) -> Any:
            return torch.relu(self.bn(self.conv(x)))

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), *[Block() for _ in range(3)], torch.nn.Flatten())
    top = paramwise.summary(model, input_size=(1, 3, 10, 10))
    html = notebook_facts(top)
    assert html.headers[:3] == ["Layer (type)", "Output Shape", "Param #"] and "Buffers" in html.headers
    assert [r[0] for r in html.rows] == ["0 (Conv2d)", "1 (Block)", "2 (Block)", "3 (Block)", "4 (Flatten)"]
    assert f"Total params: {sum(p.numel() for p in model.parameters()):,}" in html.totals[0]
    assert f"Buffers: {sum(b.numel() for b in model.buffers()):,}" in html.totals
    assert "Keras" not in top._repr_html_()  # BatchNorm's note compares with Keras: not in a PyTorch summary
    deep = notebook_facts(paramwise.summary(model, input_size=(1, 3, 10, 10), depth=1))
    assert "1.bn (BatchNorm2d)" in [r[0] for r in deep.rows] and len(deep.rows) == 11
    explained = paramwise.summary(model, input_size=(1, 3, 10, 10), depth=1, explain=True)._repr_html_()
    assert explained.count("Keras counts moving_mean") == 1 and "3 layers: 1.bn, 2.bn, 3.bn" in explained
    assert paramwise.summary(model, expand=True)._repr_html_().count("<tr>") == len(paramwise.summary(model).rows) + 1
    assert str(top).count("\n") < str(paramwise.summary(model, depth=1)).count("\n")  # print(report) follows depth too


def test_unknown_options_are_errors_with_a_hint() -> None:
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    net = torch.nn.Linear(4, 2)
    with pytest.raises(paramwise.InputError) as info:
        paramwise.summary(net, inputsize=(1, 4))
    assert "inputsize" in info.value.message and "did you mean input_size?" in info.value.message
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(paramwise.InputError) as info:
        paramwise.summary(model, inputsize=(1, 4))  # was silently ignored
    assert "takes no option inputsize" in info.value.message
    with pytest.raises(paramwise.InputError) as info:
        paramwise.read(str(ROOT.parent / "examples" / "mnist_cnn.py"), dpeth=2)
    assert "did you mean depth?" in info.value.message
    with pytest.raises(paramwise.InputError):
        paramwise.read(str(ROOT.parent / "examples" / "mnist_cnn.py"), depth=-1)
    assert paramwise.summary(model, depth=2).total == model.count_params()
    assert paramwise.read(str(ROOT.parent / "examples" / "mnist_cnn.py"), depth=2).total == 542_230
