"""The terminal table (rich), laid out like Keras' model.summary(), then each layer's arithmetic."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..formula import render_count
from ..report import Report, Row, bytes_text, shape_text
from . import View, is_graph, visible_rows


def count_text(value: Any) -> str:
    return "?" if value is None else render_count(value)


def render_renderables(report: Report, view: View | None = None) -> list[Any]:
    view = view or View()
    rows = visible_rows(report, view)
    title = Text(f'Model: "{report.model}"', style="bold")
    table = Table(box=box.HEAVY_HEAD, show_lines=False, expand=False)
    table.add_column("Layer (type)", no_wrap=True)
    table.add_column("Output Shape")
    table.add_column("Param #", justify="right")
    show_connections = is_graph(report)
    if show_connections:
        table.add_column("Connected to")
    has_buffers = any(r.buffers for r in rows if r.buffers)
    if has_buffers:
        table.add_column("Buffers", justify="right")
    for r in rows:
        cells = [("  " * r.depth) + f"{r.name} ({r.type})", shape_text(r.output_shape), count_text(r.params)]
        if show_connections:
            cells.append(", ".join(r.connected_to) or "-")
        if has_buffers:
            cells.append(count_text(r.buffers) if r.buffers else "")
        table.add_row(*cells)
    return [title, table, arithmetic(rows, view), totals(report)]


def arithmetic(rows: list[Row], view: View) -> Text:
    text = Text()
    text.append("Arithmetic\n", style="bold")
    width = max((len(f"{r.name} ({r.type})") + 2 * r.depth for r in rows), default=0)
    for r in rows:
        if r.params == 0 and not r.buffers and not r.shared and not view.explain:
            continue
        label = ("  " * r.depth + f"{r.name} ({r.type})").ljust(width)
        text.append(f"  {label}  {r.explanation}\n")
        if view.explain:
            if r.formula_letters not in ("0", "?"):
                text.append(f"  {'':{width}}    = {r.formula_letters}\n", style="dim")
            if r.why:
                text.append(f"  {'':{width}}    {r.why}\n", style="dim")
        if r.note:
            text.append(f"  {'':{width}}    note: {r.note}\n", style="italic")
    return text


def totals(report: Report) -> Text:
    text = Text()
    size = bytes_text(report.total_bytes)
    text.append(f" Total params: {count_text(report.total)} ({size})\n", style="bold")
    text.append(f" Trainable params: {count_text(report.trainable)}\n")
    text.append(f" Non-trainable params: {count_text(report.non_trainable)}\n")
    if report.buffers:
        text.append(f" Buffers: {count_text(report.buffers)}\n")
    for dtype, entry in report.meta.get("dtypes", {}).items():  # checkpoints: values and bytes per dtype
        text.append(f" {dtype}: {count_text(entry['count'])} values ({bytes_text(entry['bytes'])})\n")
    if report.symbols:
        text.append(f" Symbols: {', '.join(report.symbols)} (bind with --set NAME=VALUE)\n")
    return text


def render_text(report: Report, view: View | None = None, *, color: bool = False) -> str:
    view = view or View()
    console = Console(
        width=view.width or 120, record=True, force_terminal=color, color_system="auto" if color else None,
        file=io.StringIO(), legacy_windows=False,
    )
    for part in render_renderables(report, view):
        console.print(part)
    return console.export_text(styles=color).rstrip() + "\n"
