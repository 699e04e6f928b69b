"""A Markdown table, for READMEs, issues and course notes."""

from __future__ import annotations

from ..report import Report, bytes_text, shape_text
from . import View, visible_rows
from .table import count_text, incomplete_banner, label, name_text, total_text


def render_markdown(report: Report, view: View | None = None) -> str:
    view = view or View()
    lines = [
        f"**Model: `{name_text(report.model)}`**",
        "",
        "| Layer (type) | Output Shape | Param # | Arithmetic |",
        "|---|---|---:|---|",
    ]
    for r in visible_rows(report, view):
        name = "&nbsp;&nbsp;" * r.depth + label(r)
        arithmetic = r.explanation if r.params else ""
        lines.append(f"| {name} | `{shape_text(r.output_shape)}` | {count_text(r.params)} | {arithmetic} |")
    lines.append("")
    if not report.complete:
        lines += [f"> **{incomplete_banner(report)}**", ""]
    lines += [
        f"- Total params: {total_text(report, report.total)} ({total_text(report, report.total_bytes, bytes_text)})",
        f"- Trainable params: {total_text(report, report.trainable)}",
        f"- Non-trainable params: {total_text(report, report.non_trainable)}",
    ]
    if report.buffers:
        lines.append(f"- Buffers: {total_text(report, report.buffers)}")
    if report.meta.get("notes"):  # file readers: storage per format, quantization, shards
        lines += ["", "```", *report.meta["notes"], "```"]
    return "\n".join(lines) + "\n"
