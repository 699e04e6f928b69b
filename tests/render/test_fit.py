"""A terminal that fits: every README example that prints a table fits 80 columns (the table, the arithmetic,
the totals and the warnings), formulas break before operators and never inside a number or a name, long
names are shortened in the middle, and the warnings of a pasted lesson page come in line order, grouped."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from helpers import CASES, ROOT
from paramwise.cli import main
from paramwise.render.fit import abbreviate, cell_width, wrap_formula

REPO = ROOT.parent
LESSON_PAGE = Path(__file__).parent / "lesson_page.txt"  # a lesson page pasted whole: prose, curly quotes, 36 warnings


def readme_commands() -> list[list[str]]:
    """The README's `$ paramwise ...` examples whose input is a file of this repository (not JSON, not --run)."""
    out = []
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\s*\$ paramwise (.*)", line)
        if not found:
            continue
        args = shlex.split(re.split(r"\s#|\s{2,}\(", found.group(1))[0])
        files = [a for a in args if not a.startswith("-") and (REPO / a).is_file()]
        if files and "json" not in args and "--run" not in args and args not in out:
            out.append(args)
    return out


COMMANDS = readme_commands()


def test_the_readme_has_table_examples() -> None:
    assert len(COMMANDS) >= 15
    assert ["examples/mnist_cnn.py"] in COMMANDS


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a)[:60] for a in COMMANDS])
def test_readme_example_fits_80_columns(args: list[str], capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "80")  # what a terminal of 80 columns says; rich reads the same variable
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    lines = out.splitlines() + err.splitlines()  # errors (exit 2) too
    assert out or code == 2
    too_long = [line for line in lines if cell_width(line) > 80]
    assert too_long == [], f"{len(too_long)} lines over 80 columns; the longest: {max(too_long, key=cell_width)}"


def test_width_option_and_columns_agree(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    args = [str(CASES / "torch" / "resnet_basic_blocks.py"), "--input-shape", "1,3,32,32", "--depth", "1"]
    assert main([*args, "--width", "80"]) == 0
    given = capsys.readouterr().out
    monkeypatch.setenv("COLUMNS", "80")
    assert main(args) == 0
    assert capsys.readouterr().out == given
    assert max(cell_width(line) for line in given.splitlines()) <= 80
    assert "MACs 1,179,648 + 2,359,296 + 131,072 = 3,670,016" in given  # a formula that fits is one line
    monkeypatch.delenv("COLUMNS")
    assert main(args) == 0  # a pipe: the default width
    assert max(cell_width(line) for line in capsys.readouterr().out.splitlines()) > 80


FORMULAS = [
    "kernel 5,408×100 = 540,800, bias 100 → (5408 + 1)·100 = 540,900",
    "sum of its modules: conv1 (18,432) + bn1 (128) + conv2 (36,864) + bn2 (128) + shortcut (2,176) = 57,728",
    "weight 16, bias 16, running_mean 16 (buffer), running_var 16 (buffer), num_batches_tracked 1 (buffer) → 2·16 = 32",
    "MACs batch·(floor(img_SIZE/2))·(floor(img_SIZE/2))·3·3·64·128 = 73728·batch·floor(img_SIZE/2)^2",
    "Forward: 26,657,408 MACs = 53,314,816 FLOPs (53.31 MFLOPs); forward + backward ≈ 3 × forward = 159,944,448 FLOPs",
]


@pytest.mark.parametrize("width", [50, 64, 80])
@pytest.mark.parametrize("formula", FORMULAS)
def test_formulas_break_before_operators_never_inside_a_number(formula: str, width: int) -> None:
    label = "  conv (Conv2d)  "
    lines = wrap_formula(formula, width, label)
    assert all(cell_width(line) <= width for line in lines)
    assert lines[0].startswith(label)
    pieces = [lines[0][len(label):]] + [line.strip() for line in lines[1:]]
    assert all(pieces)
    words = formula.split(" ")
    if all(cell_width(w) <= width - len(label) - 2 for w in words):  # every word fits a line: none is cut
        assert " ".join(pieces) == formula
    else:  # a word longer than a line is cut after a · (never inside a number or a name)
        assert "".join(p.replace(" ", "") for p in pieces) == formula.replace(" ", "")
        for a, b in zip(pieces, pieces[1:]):  # between two words, or inside one after a · or ×
            assert f"{a.split(' ')[-1]} {b.split(' ')[0]}" in formula or a.endswith(("·", "×", "*", ",")), lines
    if width >= 80:  # room enough: each new line starts at an operator, or after a comma (or a cut after a ·)
        joined = " ".join(pieces)
        for a, piece in zip(pieces, pieces[1:]):
            assert piece[0] in "+-=→×·≈" or a.endswith(("·", "×")) or \
                joined[:joined.index(piece)].rstrip().endswith((",", ";", ":")), lines


def test_long_names_are_shortened_in_the_middle() -> None:
    assert abbreviate("model.layers.0.self_attn.q_proj", 22) == "model.layers.0…q_proj"
    assert abbreviate("model.layers.0.self_attn.q_proj", 40) == "model.layers.0.self_attn.q_proj"
    short = abbreviate("encoder.block_with_a_long_name.attention.output_projection", 30)
    assert cell_width(short) <= 30 and short.startswith("encoder.") and short.endswith("output_projection")
    assert cell_width(abbreviate("名前" * 30, 21)) <= 21


def test_a_long_layer_name_is_shortened_in_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.py"
    path.write_text(
        "import torch.nn as nn\n"
        "class Attention(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.query_projection_for_every_head_of_this_layer = nn.Linear(64, 64)\n"
        "class Block(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.self_attention_with_a_very_long_name = Attention()\n"
        "model = nn.Sequential(Block(), Block())\n"
    )
    assert main([str(path), "--expand", "--width", "80"]) == 0
    out = capsys.readouterr().out
    assert max(cell_width(line) for line in out.splitlines()) <= 80
    assert re.search(r"0\.self_attention_with_a_very_long_name…[a-z_]*this_layer \(Linear\)", out) or \
        re.search(r"0\.self_atte\w*…\w*layer \(Linear\)", out), out
    assert "8,320" in out  # (64 + 1)·64·2: the counts are never cut


def test_lesson_page_warnings_in_line_order_grouped(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(LESSON_PAGE), "--set", "img_SIZE=32", "--width", "80"])
    out, err = capsys.readouterr()
    assert code == 0 and "Total params: 128,952" in out
    heads = [line for line in err.splitlines() if ": warning: " in line]
    lines = [int(h.split(":")[1]) for h in heads]
    assert lines == sorted(lines)
    assert len(heads) < 15  # 36 warnings, said in a dozen
    assert "replaced curly quotes on 9 lines with plain ones: 15, 17, 21, 23, 27, 29, 59, 69, 75" in " ".join(err.split())
    assert "'Conv1' is not quoted; read it as the string 'Conv1'; the same for 'Conv2' (line 17)" in " ".join(err.split())
    assert err.rstrip().endswith("--quiet hides them")
    assert max(cell_width(line) for line in err.splitlines()) <= 80
    assert main([str(LESSON_PAGE), "--set", "img_SIZE=32", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_a_torch_summary_says_a_note_once_and_no_keras_note(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / "torch" / "resnet_basic_blocks.py"
    assert main([str(path), "--input-shape", "1,3,32,32", "--expand"]) == 0
    out = capsys.readouterr().out
    assert "Keras" not in out  # BatchNorm's note compares with Keras: not in a PyTorch summary
    assert main([str(path), "--input-shape", "1,3,32,32", "--expand", "--explain"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("Keras counts moving_mean") == 1
    assert re.search(r"note \(\d+ layers: bn1, layer1\.0\.bn1, layer1\.0\.bn2, …\)", out), out


def test_rich_print_lays_the_report_out_in_the_console_width() -> None:
    from rich.console import Console

    import paramwise

    console = Console(width=70, record=True, file=io.StringIO())
    console.print(paramwise.read(str(REPO / "examples" / "mnist_cnn.py")))
    text = console.export_text()
    assert "max_pooling2d (MaxPooling2D)" in text  # names whole: the MACs column gave way (it is in the arithmetic)
    assert "Total params: 542,230" in text and max(cell_width(line) for line in text.splitlines()) <= 70


def test_one_cell_characters_are_one_cell_to_rich() -> None:
    """The characters measured without rich are each one cell wide by rich's own measure, and text with any other
    character (wide, combining, emoji) is measured by rich."""
    from rich.cells import cell_len

    from paramwise.render.fit import ONE_CELL
    from paramwise.render.table import cells

    assert [ch for ch in sorted(ONE_CELL) if cell_len(ch) != 1] == []
    for text in ("conv·×→≈…─", "名前", "e\u0301", "🙂 layer", "a" * 600 + "名"):
        assert cell_width(text) == cell_len(text) == cells(text)
