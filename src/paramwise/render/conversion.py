"""`--as keras|torch` as text: each layer's count in both frameworks' conventions, and the totals."""

from __future__ import annotations

from ..formula import Dim, render_count
from ..report import Report
from ..teach.convert import FRAMEWORK_NAMES, OTHER, Converted, count_sum


def render_conversion(report: Report, converted: list[Converted]) -> str:
    source, target = report.framework, OTHER[report.framework]
    lines = [f'Model "{report.model}" counted in {FRAMEWORK_NAMES[target]} conventions (read as {FRAMEWORK_NAMES[source]}):', ""]
    width = max((len(c.row.name) for c in converted), default=4)
    for c in converted:
        a, b = count_text(c.row.params), count_text(c.count)
        extra = f" (+ {count_text(c.buffers)} in buffers)" if c.buffers else ""
        mark = "  differs" if c.differs else ""
        lines.append(f"  {c.row.name:<{width}}  {c.row.type} -> {c.target_type}: {a} -> {b}{extra}{mark}")
        if c.differs and c.count is not None:
            lines.append(f"  {'':<{width}}    {source}: {c.row.formula_letters} ; {target}: {c.formula_letters}")
        if c.differs and c.note:
            lines.append(f"  {'':<{width}}    {c.note}")
    known = [c.count for c in converted]
    total = None if any(k is None for k in known) else count_sum(known)
    buffers = count_sum(c.buffers or 0 for c in converted)
    lines.append("")
    lines.append(f"  Total: {FRAMEWORK_NAMES[source]} {count_text(report.total)} -> {FRAMEWORK_NAMES[target]} {count_text(total)}"
                 + (f" (+ {count_text(buffers)} in buffers)" if buffers else ""))
    return "\n".join(lines) + "\n"


def count_text(value: Dim) -> str:
    return "?" if value is None else render_count(value)
