"""Warnings as the command prints them: in line order, the same repair on many lines said once with its lines
("replaced curly quotes on 9 lines with plain ones: 15, 17, ..."), each in lines of at most the width, and a
pointer to --quiet when there are many."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import Diagnostic, Location
from ..frozen import frozen
from .fit import ELLIPSIS, cell_width, wrap_formula

MANY = 10  # more warnings than this: the last line says --quiet hides them
LISTED = 12  # lines (or names) a grouped warning lists before "… and N more"
LINES = r"\blines? (\d+(?:-\d+)?)"  # patterns compiled (and cached by re) where warnings are grouped
QUOTED = r"'[^']*'"


@frozen
class Group:
    """Warnings that say the same thing of different places: the first, and the rest in line order."""

    first: Diagnostic
    rest: tuple[Diagnostic, ...] = ()

    @property
    def members(self) -> tuple[Diagnostic, ...]:
        return (self.first, *self.rest)


def place(w: Diagnostic) -> tuple[int, str, int, int]:
    loc = w.location
    if loc is None:
        return (1, "", 0, 0)
    return (0, loc.file, loc.line, loc.col)


def template(w: Diagnostic) -> tuple[str, str, str]:
    """What a warning says, without its places and names: warnings alike in this are grouped."""
    text = re.sub(QUOTED, "'…'", re.sub(LINES, "LINES", w.message))
    return (w.code, w.location.file if w.location else "", text)


def grouped(warnings: Sequence[Diagnostic]) -> list[Group]:
    ordered = sorted(warnings, key=place)
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for w in ordered:
        groups.setdefault(template(w), []).append(w)
    seen: set[tuple[str, str, str]] = set()
    out = []
    for w in ordered:
        key = template(w)
        if key in seen:
            continue
        seen.add(key)
        members = groups[key]
        out.append(Group(members[0], tuple(members[1:])))
    return out


def listed(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f", … and {len(items) - LISTED} more" if len(items) > LISTED else "")


def group_message(g: Group) -> str:
    """The group's one message: its lines in place of the first's line, or the others named after it."""
    if not g.rest:
        return g.first.message
    message = g.first.message
    spans = [m.group(1) for w in g.members if (m := re.search(LINES, w.message))]
    found = re.search(LINES, message)
    if found and len(spans) == len(g.members):
        spans = list(dict.fromkeys(spans))
        if found.start() == 0:
            return f"lines {listed(spans)}{message[found.end():]}"
        return f"{message[:found.start()]}{len(spans)} lines{message[found.end():]}: {listed(spans)}"
    others = []
    for w in g.rest:
        name = re.search(QUOTED, w.message)
        line = f"line {w.location.line}" if w.location and w.location.line else ""
        others.append(f"{name.group(0)} ({line})" if name and line else name.group(0) if name else line or "elsewhere")
    return f"{message}; the same for {listed(others)}"


def render_warnings(warnings: Sequence[Diagnostic], width: int | None = None) -> str:
    """Every warning, grouped and in line order, each line at most `width` cells (None: as long as it is)."""
    groups = grouped(warnings)
    blocks = [render_group(g, width) for g in groups]
    if len(warnings) > MANY:
        kinds = f" ({len(groups)} kinds)" if len(groups) < len(warnings) else ""
        blocks.append(fitted(f"{len(warnings)} warnings{kinds}; --quiet hides them", width))
    return "\n".join(blocks)


def fitted(text: str, width: int | None, rest: str = "  ") -> str:
    if width is None:
        return text
    return "\n".join(wrap_formula(text, width, "", rest, prose=True))


def render_group(g: Group, width: int | None) -> str:
    hint = g.first.hint
    if hint and any(other.hint != hint for other in g.rest):
        hint += " (and likewise for the others)"
    return render_diagnostic("warning", group_message(g), g.first.location, hint, width)


def render_diagnostic(level: str, message: str, loc: Location | None, hint: str, width: int | None) -> str:
    """`file:line:col: level: message`, the line with a caret under the column, the hint: as errors.py writes
    a diagnostic, in lines of at most `width` cells (the message and hint wrapped, the line cut around the caret)."""
    lines = [fitted(f"{loc}: {level}: {message}" if loc else f"{level}: {message}", width)]
    if loc and loc.source_line:
        lines += source_lines(loc, width)
    if hint:
        lines.append(fitted(f"hint: {hint}", width))
    return "\n".join(lines)


def source_lines(loc: Location, width: int | None) -> list[str]:
    """The line of the input and a caret under the column; cut around the caret where it is too long."""
    text, col = loc.source_line.rstrip(), max(loc.col - 1, 0)
    room = None if width is None else width - 4
    if room is not None and cell_width(text) > room and room > 10:
        start = max(0, min(col - room // 2, max(len(text), col + 1) - room + 1))
        piece = text[start:]
        lead = ELLIPSIS if start else ""
        if cell_width(lead + piece) > room:
            while piece and cell_width(lead + piece) > room - 1:
                piece = piece[:-1]
            piece += ELLIPSIS
        col = col - start + len(lead)
        text = lead + piece
    return ["    " + text, "    " + " " * col + "^"]
