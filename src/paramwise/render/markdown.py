"""A Markdown table, for READMEs, issues and course notes."""

from __future__ import annotations

from ..report import Report, bytes_text, shape_text
from . import View, visible_rows
from .table import count_text


def render_markdown(report: Report, view: View | None = None) -> str:
    view = view or View()
    lines = [
        f"**Model: `{report.model}`**",
        "",
        "| Layer (type) | Output Shape | Param # | Arithmetic |",
        "|---|---|---:|---|",
    ]
    for r in visible_rows(report, view):
        name = "&nbsp;&nbsp;" * r.depth + f"{r.name} ({r.type})"
        arithmetic = r.explanation if r.params else ""
        lines.append(f"| {name} | `{shape_text(r.output_shape)}` | {count_text(r.params)} | {arithmetic} |")
    lines += [
        "",
        f"- Total params: {count_text(report.total)} ({bytes_text(report.total_bytes)})",
        f"- Trainable params: {count_text(report.trainable)}",
        f"- Non-trainable params: {count_text(report.non_trainable)}",
    ]
    if report.buffers:
        lines.append(f"- Buffers: {count_text(report.buffers)}")
    return "\n".join(lines) + "\n"
