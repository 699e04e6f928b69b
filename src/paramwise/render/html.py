"""A self-contained HTML view of a report (notebooks' `_repr_html_`), with what the terminal shows: the table with
its columns (shapes, counts, MACs, connections, buffers), each layer's arithmetic and note, the totals with the
dtypes, the reader's notes and the cost, and the warnings (pitfalls among them) grouped and in line order.
No external assets, no script."""

from __future__ import annotations

from html import escape

from ..report import Report
from . import View, report_view, visible_rows
from .table import (
    fitted_label,
    has_arithmetic,
    name_text,
    row_details,
    shared_notes,
    table_cells,
    total_lines,
)
from .warnings import group_message, grouped

STYLE = (
    "<style>.paramwise table{border-collapse:collapse}.paramwise th,.paramwise td{padding:2px 8px;"
    "vertical-align:top;text-align:left}.paramwise td.pw-n,.paramwise th.pw-n{text-align:right;white-space:nowrap}"
    ".paramwise .pw-sub{opacity:.75;font-size:90%}.paramwise ul{margin:4px 0;padding-left:1.2em}"
    ".paramwise pre{margin:2px 0}</style>"
)
STYLES = {"bold": "font-weight:bold", "bold yellow": "font-weight:bold;color:#a66a00", "dim": "opacity:.75",
          "italic": "font-style:italic", None: ""}


def render_html(report: Report, view: View | None = None) -> str:
    view = view or report_view(report)
    rows = visible_rows(report, view)
    headers, right, body = table_cells(report, rows, view.columns)  # every column: a page is as wide as it needs
    notes = shared_notes(rows, report.framework, view.explain)
    head = "".join(f"<th{' class=pw-n' if r else ''}>{escape(h)}</th>" for h, r in zip(headers, right))
    lines = []
    for row, cells in zip(rows, body):
        name = f"<td style='padding-left:{row.depth * 1.2 + 0.5:.1f}em'>{escape(fitted_label(row, 10**6).strip())}</td>"
        rest = "".join(f"<td{' class=pw-n' if r else ''}>{escape(c)}</td>" for c, r in zip(cells[1:], right[1:]))
        lines.append(f"<tr>{name}{rest}<td>{arithmetic_cell(row, view, notes)}</td></tr>")
    return (
        f"<div class='paramwise'>{STYLE}<b>Model: {escape(name_text(report.model))}</b>"
        f"<table><thead><tr>{head}<th>Arithmetic</th></tr></thead><tbody>{''.join(lines)}</tbody></table>"
        f"{totals_html(report)}{warnings_html(report)}</div>"
    )


def arithmetic_cell(row, view: View, notes: dict[str, list[str]]) -> str:  # type: ignore[no-untyped-def]
    if not has_arithmetic(row, view):
        return ""
    parts = [escape(row.explanation)]
    for text, style, _ in row_details(row, view, notes):
        parts.append(f"<div class='pw-sub' style='{STYLES.get(style, '')}'>{escape(text.strip())}</div>")
    return "".join(parts)


def totals_html(report: Report) -> str:
    items = "".join(f"<li style='{STYLES.get(style, '')}'>{escape(line)}</li>" for line, style in total_lines(report))
    return f"<ul class='pw-totals'>{items}</ul>"


def warnings_html(report: Report) -> str:
    """The warnings as the command prints them on stderr: grouped, in line order, with their lines and hints."""
    groups = grouped(report.warnings)
    if not groups:
        return ""
    items = []
    for g in groups:
        w = g.first
        loc = f"<code>{escape(str(w.location))}</code>: " if w.location else ""
        source = ""
        if w.location and w.location.source_line:
            caret = " " * max(w.location.col - 1, 0) + "^"
            source = f"<pre>{escape(w.location.source_line.rstrip())}\n{caret}</pre>"
        hint = f"<div class='pw-sub'>hint: {escape(w.hint)}</div>" if w.hint else ""
        items.append(f"<li class='pw-warning'>{loc}warning: {escape(group_message(g))}{source}{hint}</li>")
    count = len(report.warnings)
    return (f"<details class='pw-warnings' open><summary>{count} warning{'s' if count != 1 else ''}</summary>"
            f"<ul>{''.join(items)}</ul></details>")
