"""The terminal table (rich), laid out like Keras' model.summary(), then each layer's arithmetic."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from ..cost import cost_lines, macs_text
from ..formula import render_count
from ..report import Report, Row, bytes_text, shape_text
from . import View, is_graph, report_view, visible_rows
from .fit import ONE_CELL, abbreviate, cell_width, wrap_formula

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

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

    view = view or report_view(report)
    width = view.width or DEFAULT_WIDTH
    rows = visible_rows(report, view)
    title = Text(abbreviate(f'Model: "{name_text(report.model)}"', width), style="bold")
    table = Table(box=box.HEAVY_HEAD, show_lines=False, expand=False)
    headers, right, body = fitted_cells(report, rows, view.columns, width)
    for header, is_right in zip(headers, right):
        table.add_column(header, no_wrap=not wraps_in_table(header, is_right), justify="right" if is_right else "left",
                         overflow="fold")
    for cells in body:
        table.add_row(*cells)
    return [title, table, arithmetic(rows, view, report.framework), totals(report, width)]


def console_renderables(report: Report, width: int) -> list[Any]:
    """What `rich.print(report)` shows: the report's own view, laid out in the console's width."""
    from ..frozen import replace

    return render_renderables(report, replace(report_view(report), width=width))


DEFAULT_WIDTH = 120  # where no width is given (output to a file or a pipe)
SHORTEST_LABEL = 16  # the layer column is never cut narrower than this
WRAPPED = ("Output Shape", "Connected to")  # columns whose cells wrap (at spaces) before a name is shortened


def fitted_cells(report: Report, rows: list[Row], columns: tuple[str, ...] | None, width: int) -> tuple[list[str], list[bool], list[list[str]]]:
    """table_cells in `width`: shapes and connections wrapped at their spaces, then layer names shortened in the
    middle; where names would be shortened, the MACs column is left to the arithmetic (unless --columns asks it)."""
    headers, right, body = table_cells(report, rows, columns)
    if columns is None and "MACs" in headers and excess(headers, body, width) > 0:
        headers, right, body = table_cells(report, rows, tuple(c for c in default_columns(report, rows) if c != "macs"))
    return headers, right, fit_labels(headers, body, rows, width)


def excess(headers: list[str], body: list[list[str]], width: int) -> int:
    """How much wider than `width` the table is with its wrapping columns at their narrowest (its names whole)."""
    widths = [max([cell_width(h)] + [cell_width(b[i]) for b in body]) for i, h in enumerate(headers)]
    for i, header in enumerate(headers):
        if header in WRAPPED:
            widths[i] = min(widths[i], narrowest(header, body, i))
    return sum(widths) + 3 * len(widths) + 1 - width


def narrowest(header: str, body: list[list[str]], i: int) -> int:
    """The narrowest a wrapping column gets: its longest word (or SHORTEST_LABEL)."""
    return max([cell_width(header), SHORTEST_LABEL] + [cell_width(w) for b in body for w in b[i].split(" ")])


def fit_labels(headers: list[str], body: list[list[str]], rows: list[Row], width: int) -> list[list[str]]:
    """The rows with their layer labels shortened in the middle of the name where the table is wider than
    `width` (`model.layers.0…q_proj (Linear)`) once the shapes and connections are wrapped."""
    widths = [max([cell_width(h)] + [cell_width(b[i]) for b in body]) for i, h in enumerate(headers)]
    over = sum(widths) + 3 * len(widths) + 1 - width
    for i, header in enumerate(headers):  # rich wraps shapes and connections at their spaces first
        if header in WRAPPED and over > 0:
            over -= max(widths[i] - narrowest(header, body, i), 0)
    if over <= 0 or not body:
        return body
    room = max(widths[0] - over, SHORTEST_LABEL, cell_width(headers[0]))
    return [[fitted_label(r, room)] + cells[1:] for r, cells in zip(rows, body)]


def fitted_label(row: Row, room: int) -> str:
    """`  name (type)` in `room` cells: the type shortened to a third of the room at most where the name needs
    the rest, then the name shortened in the middle (its last dotted parts kept whole where they fit)."""
    indent = "  " * min(row.depth, max(room // 8, 1))
    whole = indent + label(row)
    if cell_width(whole) <= room:
        return whole
    name, kind = name_text(row.name), name_text(row.type)
    left = room - cell_width(indent) - 3  # the space and the brackets around the type
    kind_room = min(cell_width(kind), max(left - cell_width(name), left // 3, 6))
    if left - kind_room < 4:
        return indent + abbreviate(label(row), room - cell_width(indent))
    return f"{indent}{abbreviate(name, left - kind_room)} ({abbreviate(kind, kind_room)})"


def default_columns(report: Report, rows: list[Row]) -> tuple[str, ...]:
    return ("shape", "params", *(("macs",) if any(r.calls and r.macs is not None for r in rows) else ()),
            *(("connected",) if is_graph(report) else ()), *(("buffers",) if any(r.buffers for r in rows if r.buffers) else ()))


def table_cells(report: Report, rows: list[Row], columns: tuple[str, ...] | None = None) -> tuple[list[str], list[bool], list[list[str]]]:
    """The table's headers, which of them are right-aligned, and its rows of cells: `columns` by name (COLUMNS),
    or by default the shape, the count, the MACs where an input shape reached the layers, the connections of
    a graph and any buffers."""
    if columns is None:
        columns = default_columns(report, rows)
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


def arithmetic(rows: list[Row], view: View, framework: str = "") -> Text:
    from rich.text import Text

    text = Text()
    for line, style in arithmetic_lines(rows, view, framework):
        text.append(line + "\n", style=style)
    return text


def arithmetic_lines(rows: list[Row], view: View, framework: str = "") -> list[tuple[str, str | None]]:
    """Each layer's arithmetic, as (line, style), in lines of at most the view's width: formulas broken before
    an operator, labels longer than two fifths of the width shortened in the middle. A note said of several
    layers is said once, at the first, with their count; a note about the other framework's conventions
    (Keras' in a PyTorch model) only with --explain."""
    page = view.width or DEFAULT_WIDTH
    lines: list[tuple[str, str | None]] = [("Arithmetic", "bold")]
    shown_rows = [r for r in rows if has_arithmetic(r, view)]
    column = min(max((cell_width(label(r)) + 2 * r.depth for r in rows), default=0), max(page * 2 // 5, SHORTEST_LABEL))
    under = " " * (column + 6)
    notes = shared_notes(shown_rows, framework, view.explain)

    def add(text: str, style: str | None = None, *, prose: bool = False) -> None:
        lines.extend((line, style) for line in wrap_formula(text, page, under, prose=prose))

    for r in shown_rows:
        name = fitted_label(r, column)
        if name != fitted_label(r, 10**6) and page > column + 6:  # a label too long for its column: its own line
            lines.append(("  " + fitted_label(r, page - 2), None))
            name = ""
        shown = name + " " * (column - cell_width(name))
        lines.extend((line, None) for line in wrap_formula(r.explanation, page, f"  {shown}  "))
        for text, style, prose in row_details(r, view, notes):
            add(text, style, prose=prose)
    return lines


def row_details(r: Row, view: View, notes: dict[str, list[str]]) -> list[tuple[str, str | None, bool]]:
    """What the arithmetic says of a row under its formula, as (text, style, is prose): its formula in letters
    and its why (--explain), its MACs, and its note where the row is the first of those that carry it (the
    note is taken out of `notes`, so that it is said once)."""
    out: list[tuple[str, str | None, bool]] = []
    if view.explain and r.formula_letters not in ("0", "?"):
        out.append((f"= {r.formula_letters}", "dim", False))
    if r.macs:  # its multiply-accumulates: the formula with its numbers (in letters with --explain)
        out.append((f"MACs {r.macs_formula} = {macs_text(r.macs)}", None, False))
        if view.explain and r.macs_letters:
            out.append((f"     = {r.macs_letters}", "dim", False))
    if view.explain and r.why:
        out.append((r.why, "dim", True))
    if r.note in notes and notes[r.note][0] == r.name:
        named = notes.pop(r.note)
        out.append((f"note{note_subjects(named)}: {r.note}", "italic", True))
    return out


def has_arithmetic(r: Row, view: View) -> bool:
    """Whether the Arithmetic section has a line for this row."""
    return bool(r.params != 0 or r.buffers or r.shared or view.explain or r.macs)


def shared_notes(rows: list[Row], framework: str, explain: bool) -> dict[str, list[str]]:
    """Each note shown, with the names of the rows that carry it (in order)."""
    other = {"torch": "Keras", "keras": "PyTorch"}.get(framework) if not explain else None
    out: dict[str, list[str]] = {}
    for r in rows:
        if r.note and not (other and other in r.note and framework_note(r.note, other)):
            out.setdefault(r.note, []).append(r.name)
    return out


def framework_note(note: str, other: str) -> bool:
    """True for a note that compares with the other framework's conventions (`Keras counts ...`)."""
    return note.startswith(other) or f"; {other}" in note or f"{other} counts" in note or f"{other} keeps" in note


def note_subjects(names: list[str]) -> str:
    if len(names) == 1:
        return ""
    listed = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f" ({len(names)} layers: {listed})"


def totals(report: Report, width: int = 0) -> Text:
    from rich.text import Text

    text = Text()
    for piece, style in laid_out_totals(report, width):
        text.append(piece + "\n", style=style)
    return text


def laid_out_totals(report: Report, width: int = 0) -> list[tuple[str, str | None]]:
    """The totals' lines as (line, style), each at most the page's width: what totals() prints, without rich."""
    page = width or DEFAULT_WIDTH
    out: list[tuple[str, str | None]] = []
    for line, style in total_lines(report):
        body = line.lstrip(" ")
        indent = " " * (1 + len(line) - len(body))
        # a continued term goes on under its formula (after "= ") while that leaves room, else a little further in
        equals = body.find(" = ")
        hang = len(indent) + equals + 3 if 0 <= equals and len(indent) + equals + 3 <= page - 30 else len(indent) + 2
        out.extend((piece, style) for piece in wrap_formula(body, page, indent, " " * hang))
    return out


def total_lines(report: Report) -> list[tuple[str, str | None]]:
    """The lines under the arithmetic, as (line, style): the totals, then what the reader and the cost add."""
    size = total_text(report, report.total_bytes, bytes_text)
    lines: list[tuple[str, str | None]] = []
    banner = incomplete_banner(report)
    if banner:
        lines.append((banner, "bold yellow"))
    lines.append((f"Total params: {total_text(report, report.total)} ({size})", "bold"))
    lines.append((f"Trainable params: {total_text(report, report.trainable)}", None))
    lines.append((f"Non-trainable params: {total_text(report, report.non_trainable)}", None))
    if report.buffers:
        lines.append((f"Buffers: {total_text(report, report.buffers)}", None))
    if report.active is not None:  # a mixture of experts: the parameters one token uses
        lines.append((f"Active params per token: {total_text(report, report.active)}", "bold"))
    if "counting" in report.meta:  # Hugging Face configs: how the totals were counted
        lines.append((f"Counted as: {report.meta['counting']['policy']}", None))
    for dtype, entry in report.meta.get("dtypes", {}).items():  # checkpoints: values and bytes per dtype
        lines.append((f"{dtype}: {count_text(entry['count'])} values ({bytes_text(entry['bytes'])})", None))
    for line in report.meta.get("notes", ()):  # file readers: storage per format, quantization, shards
        lines.append((line, None))
    if report.symbols:
        lines.append((f"Symbols: {', '.join(report.symbols)} (bind with --set NAME=VALUE)", None))
    for line in cost_lines(report):  # MACs and FLOPs; memory when asked (cost.py)
        lines.append((line, None))
    return lines


def render_text(report: Report, view: View | None = None, *, color: bool = False) -> str:
    view = view or report_view(report)
    if not color or len(report.rows) > PLAIN_ABOVE:
        plain = plain_text(report, view)
        if plain is not None:
            return plain
    return rich_text(report, view, color=color)


def rich_text(report: Report, view: View, *, color: bool = False) -> str:
    from rich.console import Console

    console = Console(
        width=view.width or DEFAULT_WIDTH, record=True, force_terminal=color, color_system="auto" if color else None,
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
    width = view.width or DEFAULT_WIDTH
    rows = visible_rows(report, view)
    table = plain_table(report, rows, width, view.columns)
    title = wrapped(abbreviate(f'Model: "{name_text(report.model)}"', width), width)
    explained = wrapped("\n".join(line for line, _ in arithmetic_lines(rows, view, report.framework)) + "\n", width)
    summed = wrapped("".join(piece + "\n" for piece, _ in laid_out_totals(report, width)), width)
    if table is None or title is None or explained is None or summed is None:
        return None
    return "\n".join([*title, *table, *explained, *summed]).rstrip() + "\n"


_NOT_ASCII = r"[^\x00-\x7f]+"  # compiled (and cached by re) for a text of other characters


def cells(text: str) -> int:
    """rich's cell width of `text`, quickly for long lines of mostly ASCII (each other run measured by rich)."""
    if text.isascii() or ONE_CELL.issuperset(text):
        return len(text)
    wide = re.findall(_NOT_ASCII, text)
    return len(text) - sum(len(w) for w in wide) + sum(cell_width(w) for w in wide)


def wrapped(text: str, width: int) -> list[str] | None:
    """`text`'s lines as rich wraps them to `width` (its own word division; trailing spaces beyond the width
    removed), or None for what rich would change otherwise (tabs, control characters, cropping)."""
    out = []
    for line in text.split("\n"):
        if "\t" in line or not (line.isprintable() or not line):
            return None
        if cells(line) <= width:
            out.append(line)
            continue
        from rich._wrap import divide_line  # only for a line longer than the page

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
    """The table as rich lays it out in `width` (its column widths; where the table is too wide, the wrapping
    columns narrowed and their cells wrapped at spaces), or None where only rich can say (markup, emoji codes,
    control characters, a table so narrow that rich shrinks every column)."""
    headers, right, body = fitted_cells(report, rows, columns, width)
    wraps = [wraps_in_table(h, r) for h, r in zip(headers, right)]
    grid = [headers, *body]
    natural = [2] * len(headers)  # each column's widest cell, with its padding (a space each side)
    for row in grid:
        for i, cell in enumerate(row):
            if "[" in cell or ":" in cell or not cell.isprintable():
                return None  # markup, emoji codes or control characters: rich's own rendering
            natural[i] = max(natural[i], cells(cell) + 2)
    room = width - len(headers) - 1  # the borders take one column each, and one more
    if room < 3 * len(headers):
        return None
    widths = [min(n, room) for n in natural]
    if sum(widths) > room:
        widths = collapsed(widths, wraps, room)
        if sum(widths) > room:
            return None  # rich would shrink every column
    inner = [w - 2 for w in widths]
    laid: list[list[list[str]]] = []
    for row in grid:
        laid_row = []
        for cell, w, wrap, is_right in zip(row, inner, wraps, right):
            lines = cell_lines(cell, w, wrap, is_right)
            if lines is None:
                return None
            laid_row.append(lines)
        laid.append(laid_row)

    def rule(chars: str) -> str:
        return chars[0] + chars[2].join(chars[1] * (w + 2) for w in inner) + chars[3]

    def lines_of(row: list[list[str]], bar: str, bottom: bool = False) -> list[str]:
        """A row's lines: cells shorter than the row padded below (a header's above: rich aligns it at the bottom)."""
        height = max(len(lines) for lines in row)
        if bottom:
            padded = [[" " * w] * (height - len(lines)) + lines for lines, w in zip(row, inner)]
        else:
            padded = [lines + [" " * w] * (height - len(lines)) for lines, w in zip(row, inner)]
        return [bar[0] + bar[1].join(f" {cell[k]} " for cell in padded) + bar[2] for k in range(height)]

    top, head, under, rows_bar, bottom = HEAVY_HEAD
    out = [rule(top), *lines_of(laid[0], head, bottom=True), rule(under)]
    for laid_row in laid[1:]:
        out.extend(lines_of(laid_row, rows_bar))
    return [*out, rule(bottom)]


def wraps_in_table(header: str, right: bool) -> bool:
    """Whether rich may wrap a column's cells (render_renderables): names and numbers never wrap."""
    return not (header == "Layer (type)" or right)


def collapsed(widths: list[int], wraps: list[bool], room: int) -> list[int]:
    """rich's Table._collapse_widths: the widest wrapping columns narrowed together until the table fits."""
    from rich._ratio import ratio_reduce

    excess = sum(widths) - room
    while sum(widths) and excess > 0 and any(wraps):
        widest = max(w for w, wrap in zip(widths, wraps) if wrap)
        second = max(w if wrap and w != widest else 0 for w, wrap in zip(widths, wraps))
        ratios = [1 if (w == widest and wrap) else 0 for w, wrap in zip(widths, wraps)]
        if not any(ratios) or widest == second:
            break
        widths = ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        excess = sum(widths) - room
    return widths


def cell_lines(text: str, width: int, wrap: bool, right: bool) -> list[str] | None:
    """A cell's lines, `width` cells each, as rich's Text.wrap lays them out (folded at spaces, then justified)."""
    if width < 1:
        return None  # a column narrowed to its padding: rich's own rendering
    if not wrap:
        if cells(text) > width:
            return None  # rich would cut it
        lines = [text]
    else:
        pieces = wrapped(text, width)
        if pieces is None:
            return None
        lines = pieces
    if right:
        return [" " * (width - cells(line.rstrip())) + line.rstrip() for line in lines]
    return [line + " " * (width - cells(line)) for line in lines]
