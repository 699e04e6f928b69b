"""A self-contained HTML table (notebooks' `_repr_html_`); no external assets."""

from __future__ import annotations

from html import escape

from ..report import Report, bytes_text, shape_text
from . import View, visible_rows
from .table import count_text, incomplete_banner, label, name_text, total_text


def render_html(report: Report, view: View | None = None) -> str:
    view = view or View()
    body = []
    for r in visible_rows(report, view):
        pad = r.depth * 1.2
        body.append(
            "<tr>"
            f"<td style='padding-left:{pad}em'>{escape(label(r))}</td>"
            f"<td><code>{escape(shape_text(r.output_shape))}</code></td>"
            f"<td style='text-align:right'>{escape(count_text(r.params))}</td>"
            f"<td>{escape(r.explanation if r.params else '')}</td>"
            "</tr>"
        )
    return (
        f"<div class='paramwise'><b>Model: {escape(name_text(report.model))}</b>"
        "<table><thead><tr><th>Layer (type)</th><th>Output Shape</th><th>Param #</th><th>Arithmetic</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        + (f"<p><b>{escape(incomplete_banner(report))}</b></p>" if not report.complete else "")
        + f"<p>Total params: {escape(total_text(report, report.total))} ({escape(total_text(report, report.total_bytes, bytes_text))})<br>"
        f"Trainable params: {escape(total_text(report, report.trainable))}<br>"
        f"Non-trainable params: {escape(total_text(report, report.non_trainable))}</p></div>"
    )
