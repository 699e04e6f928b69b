"""A Markdown table, for READMEs, issues and course notes."""

from __future__ import annotations

from ..cost import cost_lines, macs_text
from ..report import Report, bytes_text, shape_text
from . import View, report_view, visible_rows
from .table import count_text, incomplete_banner, label, name_text, total_text


def render_markdown(report: Report, view: View | None = None) -> str:
    view = view or report_view(report)
    rows = visible_rows(report, view)
    macs = any(r.calls and r.macs is not None for r in rows) if view.columns is None else "macs" in view.columns
    lines = [
        f"**Model: `{name_text(report.model)}`**",
        "",
        "| Layer (type) | Output Shape | Param # |" + (" MACs |" if macs else "") + " Arithmetic |",
        "|---|---|---:|" + ("---:|" if macs else "") + "---|",
    ]
    for r in rows:
        name = "&nbsp;&nbsp;" * r.depth + label(r)
        arithmetic = r.explanation if r.params else ""
        cost = f" {macs_text(r.macs) if r.macs is not None or r.calls else ''} |" if macs else ""
        lines.append(f"| {name} | `{shape_text(r.output_shape)}` | {count_text(r.params)} |{cost} {arithmetic} |")
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
    figures = cost_lines(report)  # MACs and FLOPs; memory when asked (cost.py)
    if figures:
        lines += ["", "```", *figures, "```"]
    return "\n".join(lines) + "\n"
