"""A reading that drops, guesses or skips something that can change the count says so: `complete` is false, `unread`
says what, where and why, the totals print as lower bounds with a one-line banner, and --strict makes it exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import paramwise
from paramwise.cli import main
from paramwise.errors import INCOMPLETE, WARNINGS
from paramwise.render.html import render_html
from paramwise.render.markdown import render_markdown

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "src/paramwise/schema.json").read_text())

# A module from a package paramwise cannot see: its parameters cannot be counted, whatever the reader learns.
UNSEEN = """\
import torch.nn as nn
from somewhere_else import Block

model = nn.Sequential(
    nn.Linear(4, 4),
    Block(4),
)
"""


@pytest.fixture
def unseen(tmp_path: Path) -> Path:
    path = tmp_path / "unseen.py"
    path.write_text(UNSEEN)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_every_incomplete_code_is_a_registered_warning() -> None:
    assert INCOMPLETE <= set(WARNINGS)


def test_an_unread_module_makes_the_reading_incomplete(unseen: Path) -> None:
    report = paramwise.read(str(unseen))
    assert not report.complete
    assert report.total == 20  # what was read: the Linear alone
    first = report.unread[0]
    assert first.code in INCOMPLETE and first.location is not None and first.location.line in (4, 6)  # the item, or the Sequential that holds it
    assert "Block" in first.what and first.why == WARNINGS[first.code]


def test_json_says_complete_false_and_what_was_unread(unseen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(unseen), "--format", "json"], capsys)
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert code == 0 and data["complete"] is False
    assert [(u["line"] in (4, 6), u["code"] in INCOMPLETE) for u in data["unread"]] == [(True, True)]


def test_the_table_shows_lower_bounds_and_a_banner(unseen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(unseen)], capsys)
    assert code == 0
    assert "Total params: ≥ 20 " in out and "Trainable params: ≥ 20" in out
    banner = [line for line in out.splitlines() if "Incomplete:" in line]
    assert len(banner) == 1 and ("line 4:" in banner[0] or "line 6:" in banner[0]) and "lower bounds" in banner[0]
    report = paramwise.read(str(unseen))
    assert "Total params: ≥ 20" in render_markdown(report) and "Incomplete:" in render_markdown(report)
    assert "Total params: ≥ 20" in render_html(report)


def test_strict_turns_an_incomplete_reading_into_exit_2(unseen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(unseen), "--strict"], capsys)
    assert code == 2
    assert "Total params: ≥ 20" in out  # the table still shows what was read
    assert "error: the reading is incomplete" in err and (f"{unseen}:4:" in err or f"{unseen}:6:" in err)
    code, _, err = run(["check", str(unseen), "--claim-total", "20", "--strict"], capsys)
    assert code == 2 and "error: the reading is incomplete" in err


def test_list_says_at_least(unseen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(unseen), "--list"], capsys)
    assert code == 0 and "at least 20 parameters" in out


def test_a_complete_reading_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    example = str(REPO / "examples/mnist_cnn.py")
    code, out, _ = run([example, "--strict"], capsys)
    assert code == 0 and "≥" not in out and "Incomplete" not in out
    code, out, _ = run([example, "--format", "json"], capsys)
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["complete"] is True and data["unread"] == []


def test_a_row_with_an_unknown_count_makes_the_reading_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "lazy.py"
    path.write_text("import torch.nn as nn\nmodel = nn.Sequential(nn.LazyLinear(3), nn.ReLU())\n")
    report = paramwise.read(str(path))
    unknown = [r for r in report.rows if r.params is None]
    assert unknown and not report.complete
    assert any(u.code == "count_unknown" for u in report.unread)


# What an unread iterable holds is unknown, never empty: list() of it has a named size, a comprehension over it and
# a loop over it make the reading incomplete, and `list.extend` of it says so.
UNREAD_ITERABLES = {
    "list_then_len": ("import torch.nn as nn\nimport pandas as pd\nrows = list(pd.read_csv('x.csv').columns)\n"
                      "n = len(rows)\nmodel = nn.Linear(n + 1, 2)\n", "symbols"),
    "comprehension": ("import torch.nn as nn\nimport pandas as pd\ncols = pd.read_csv('x.csv').columns\n"
                      "model = nn.ModuleList([nn.Linear(4, 4) for c in cols])\n", "incomplete"),
    "extend": ("import torch.nn as nn\nimport pandas as pd\nlayers = [nn.Linear(4, 4)]\n"
               "layers.extend(pd.read_csv('x.csv').columns)\nmodel = nn.Sequential(*layers)\n", "incomplete"),
}


@pytest.mark.parametrize("name", sorted(UNREAD_ITERABLES))
def test_an_unread_iterable_is_never_read_as_empty(name: str, tmp_path: Path) -> None:
    text, expected = UNREAD_ITERABLES[name]
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    report = paramwise.summary(path)
    if expected == "symbols":
        assert report.symbols, "a size computed from an unread list must stay a named unknown"
    else:
        assert not report.complete
