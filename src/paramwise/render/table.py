"""The terminal table (rich), laid out like Keras' model.summary(), then each layer's arithmetic."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..cost import cost_lines, macs_text
from ..formula import render_count
from ..report import Report, Row, bytes_text, shape_text
from . import View, is_graph, visible_rows

if TYPE_CHECKING:
    from rich.text import Text

# rich is imported where a table is laid out, not with this module: it costs about 0.2 s at startup, which
# the JSON form, `paramwise check` and every command that draws no table would pay.


LONGEST_NAME = 100  # characters of a name a table shows; the JSON keeps every name whole


def name_text(name: str) -> str:
    """A name as a table shows it: whole up to LONGEST_NAME characters, then cut with its length said (a
    megabyte-long name from a hostile file would otherwise take rich minutes to wrap)."""
    if len(name) <= LONGEST_NAME:
        return name
    return f"{name[:LONGEST_NAME - 30]}… ({len(name):,} characters)"


def label(row: Row) -> str:
    return f"{name_text(row.name)} ({name_text(row.type)})"


def count_text(value: Any) -> str:
    return "?" if value is None else render_count(value)


def total_text(report: Report, value: Any, text: Callable[[Any], str] = count_text) -> str:
    """A total as text: `≥ 1,290` when the reading is incomplete (what was not read can only add to it)."""
    return text(value) if report.complete else f"≥ {text(value)}"


def incomplete_banner(report: Report) -> str:
    """One line saying why the totals are lower bounds, or "" when the reading is complete."""
    unread = report.unread
    if not unread:
        return ""
    first = unread[0]
    what = first.what if len(first.what) <= 50 else first.what[:47] + "..."
    loc = first.location
    place = f"{loc.file}:" if loc and loc.file and loc.file != report.source else "line "  # a module the file imports
    where = f"{place}{loc.line}:{loc.col}: " if loc and loc.line else ""
    things = "1 thing" if len(unread) == 1 else f"{len(unread)} things"
    return f"Incomplete: {things} not counted; totals are lower bounds ({where}{what}){run_hint(report)}"


def run_hint(report: Report) -> str:
    """Where a source reading is incomplete and the framework is installed: `--run` gives the exact count."""
    import importlib.util

    if report.meta.get("run") or report.framework not in ("torch", "keras") or not str(report.source).endswith(".py"):
        return ""
    if any(importlib.util.find_spec(name) is None for name in {report.framework, "torch"}):
        return ""
    return "; --run counts exactly by running the code, if you trust it"


def render_renderables(report: Report, view: View | None = None) -> list[Any]:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    view = view or View()
    rows = visible_rows(report, view)
    title = Text(f'Model: "{name_text(report.model)}"', style="bold")
    table = Table(box=box.HEAVY_HEAD, show_lines=False, expand=False)
    headers, right, body = table_cells(report, rows, view.columns)
    for header, is_right in zip(headers, right):
        table.add_column(header, no_wrap=header == "Layer (type)", justify="right" if is_right else "left")
    for cells in body:
        table.add_row(*cells)
    return [title, table, arithmetic(rows, view), totals(report)]


def table_cells(report: Report, rows: list[Row], columns: tuple[str, ...] | None = None) -> tuple[list[str], list[bool], list[list[str]]]:
    """The table's headers, which of them are right-aligned, and its rows of cells: `columns` by name (COLUMNS),
    or by default the shape, the count, the MACs where an input shape reached the layers, the connections of
    a graph and any buffers."""
    if columns is None:
        columns = ("shape", "params", *(("macs",) if any(r.calls and r.macs is not None for r in rows) else ()),
                   *(("connected",) if is_graph(report) else ()), *(("buffers",) if any(r.buffers for r in rows if r.buffers) else ()))
    cell: dict[str, tuple[str, bool, Callable[[Row], str]]] = {
        "shape": ("Output Shape", False, lambda r: shape_text(r.output_shape)),
        "params": ("Param #", True, lambda r: count_text(r.params)),
        "macs": ("MACs", True, lambda r: macs_text(r.macs) if r.macs is not None or r.calls else ""),
        "saved": ("Saved for backward", True, lambda r: "?" if r.saved_bytes is None else bytes_text(r.saved_bytes)),
        "connected": ("Connected to", False, lambda r: ", ".join(r.connected_to) or "-"),
        "buffers": ("Buffers", True, lambda r: count_text(r.buffers) if r.buffers else ""),
    }
    headers, right = ["Layer (type)"] + [cell[c][0] for c in columns], [False] + [cell[c][1] for c in columns]
    body = [[("  " * r.depth) + label(r)] + [cell[c][2](r) for c in columns] for r in rows]
    return headers, right, body


def arithmetic(rows: list[Row], view: View) -> Text:
    from rich.text import Text

    text = Text()
    for line, style in arithmetic_lines(rows, view):
        text.append(line + "\n", style=style)
    return text


def arithmetic_lines(rows: list[Row], view: View) -> list[tuple[str, str | None]]:
    """Each layer's arithmetic, as (line, style)."""
    lines: list[tuple[str, str | None]] = [("Arithmetic", "bold")]
    width = max((len(label(r)) + 2 * r.depth for r in rows), default=0)
    for r in rows:
        if r.params == 0 and not r.buffers and not r.shared and not view.explain and not r.macs:
            continue
        shown = ("  " * r.depth + label(r)).ljust(width)
        lines.append((f"  {shown}  {r.explanation}", None))
        if view.explain:
            if r.formula_letters not in ("0", "?"):
                lines.append((f"  {'':{width}}    = {r.formula_letters}", "dim"))
        if r.macs:  # its multiply-accumulates: the formula with its numbers (in letters with --explain)
            lines.append((f"  {'':{width}}    MACs {r.macs_formula} = {macs_text(r.macs)}", None))
            if view.explain and r.macs_letters:
                lines.append((f"  {'':{width}}         = {r.macs_letters}", "dim"))
        if view.explain:
            if r.why:
                lines.append((f"  {'':{width}}    {r.why}", "dim"))
        if r.note:
            lines.append((f"  {'':{width}}    note: {r.note}", "italic"))
    return lines


def totals(report: Report) -> Text:
    from rich.text import Text

    text = Text()
    size = total_text(report, report.total_bytes, bytes_text)
    banner = incomplete_banner(report)
    if banner:
        text.append(f" {banner}\n", style="bold yellow")
    text.append(f" Total params: {total_text(report, report.total)} ({size})\n", style="bold")
    text.append(f" Trainable params: {total_text(report, report.trainable)}\n")
    text.append(f" Non-trainable params: {total_text(report, report.non_trainable)}\n")
    if report.buffers:
        text.append(f" Buffers: {total_text(report, report.buffers)}\n")
    if report.active is not None:  # a mixture of experts: the parameters one token uses
        text.append(f" Active params per token: {total_text(report, report.active)}\n", style="bold")
    if "counting" in report.meta:  # Hugging Face configs: how the totals were counted
        text.append(f" Counted as: {report.meta['counting']['policy']}\n")
    for dtype, entry in report.meta.get("dtypes", {}).items():  # checkpoints: values and bytes per dtype
        text.append(f" {dtype}: {count_text(entry['count'])} values ({bytes_text(entry['bytes'])})\n")
    for line in report.meta.get("notes", ()):  # file readers: storage per format, quantization, shards
        text.append(f" {line}\n")
    if report.symbols:
        text.append(f" Symbols: {', '.join(report.symbols)} (bind with --set NAME=VALUE)\n")
    for line in cost_lines(report):  # MACs and FLOPs; memory when asked (cost.py)
        text.append(f" {line}\n")
    return text


def render_text(report: Report, view: View | None = None, *, color: bool = False) -> str:
    view = view or View()
    if not color or len(report.rows) > PLAIN_ABOVE:
        plain = plain_text(report, view)
        if plain is not None:
            return plain
    return rich_text(report, view, color=color)


def rich_text(report: Report, view: View, *, color: bool = False) -> str:
    from rich.console import Console

    console = Console(
        width=view.width or 120, record=True, force_terminal=color, color_system="auto" if color else None,
        file=io.StringIO(), legacy_windows=False,
    )
    for part in render_renderables(report, view):
        console.print(part)
    return console.export_text(styles=color).rstrip() + "\n"


# -- the same text without rich, for big models ------------------------------------------------------
# rich lays out a table of 50,000 rows in about a minute; where nothing needs wrapping, markup or colour,
# the text it would print is built here directly (tests/test_scale.py holds the two equal).

PLAIN_ABOVE = 2000  # rows past which even a terminal gets the plain table (without colour) for speed
HEAVY_HEAD = ("┏━┳┓", "┃┃┃", "┡━╇┩", "│││", "└─┴┘")


def plain_text(report: Report, view: View) -> str | None:
    """What `render_text` prints without colour, or None where only rich can lay it out (a table wider than
    the console, or text rich would read as markup, emoji codes, tabs or control characters)."""
    width = view.width or 120
    rows = visible_rows(report, view)
    table = plain_table(report, rows, width, view.columns)
    title = wrapped(f'Model: "{name_text(report.model)}"', width)
    explained = wrapped("\n".join(line for line, _ in arithmetic_lines(rows, view)) + "\n", width)
    summed = wrapped(totals(report).plain, width)
    if table is None or title is None or explained is None or summed is None:
        return None
    return "\n".join([*title, *table, *explained, *summed]).rstrip() + "\n"


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def cells(text: str) -> int:
    """rich's cell width of `text`, quickly for long lines of mostly ASCII (each other run measured by rich)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    wide = _NOT_ASCII.findall(text)
    return len(text) - sum(len(w) for w in wide) + sum(cell_len(w) for w in wide)


def wrapped(text: str, width: int) -> list[str] | None:
    """`text`'s lines as rich wraps them to `width` (its own word division; trailing spaces beyond the width
    removed), or None for what rich would change otherwise (tabs, control characters, cropping)."""
    from rich._wrap import divide_line

    out = []
    for line in text.split("\n"):
        if "\t" in line or not (line.isprintable() or not line):
            return None
        if cells(line) <= width:
            out.append(line)
            continue
        offsets = divide_line(line, width, fold=True)
        for start, end in zip([0, *offsets], [*offsets, len(line)]):
            piece = line[start:end]
            if len(piece) > width:
                piece = piece[:max(len(piece.rstrip()), width)]
            if cells(piece) > width:
                return None
            out.append(piece)
    return out


def plain_table(report: Report, rows: list[Row], width: int, columns: tuple[str, ...] | None = None) -> list[str] | None:
    headers, right, body = table_cells(report, rows, columns)
    widths = [cells(h) for h in headers]
    measured = []
    for row in body:
        sizes = []
        for i, cell in enumerate(row):
            size = cells(cell)
            if "[" in cell or ":" in cell or not cell.isprintable() or size > width:
                return None  # markup, emoji codes or control characters: rich's own rendering
            widths[i] = max(widths[i], size)
            sizes.append(size)
        measured.append(sizes)
    if sum(widths) + 3 * len(widths) + 1 > width:
        return None  # rich would wrap or shrink columns

    def rule(chars: str) -> str:
        return chars[0] + chars[2].join(chars[1] * (w + 2) for w in widths) + chars[3]

    def line(row: list[str], sizes: list[int], bar: str) -> str:
        padded = [" " * (w - n) + c if r else c + " " * (w - n) for c, n, w, r in zip(row, sizes, widths, right)]
        return bar[0] + bar[1].join(f" {c} " for c in padded) + bar[2]

    top, head, under, rows_bar, bottom = HEAVY_HEAD
    header = line(headers, [cells(h) for h in headers], head)
    return [rule(top), header, rule(under), *(line(r, n, rows_bar) for r, n in zip(body, measured)), rule(bottom)]
