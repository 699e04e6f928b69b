"""Text that fits a width: formulas broken before their operators (never inside a number or a name), prose
broken between words, long names shortened in the middle (`model.layers.0…q_proj`)."""

from __future__ import annotations

import re

ELLIPSIS = "…"
OPERATORS = ("+", "-", "−", "=", "→", "×", "·", "≈", "≥", "≤", "*", "/")
OPENING, CLOSING = "([{", ")]}"
CONTINUED = "  "  # continuation lines of a formula are indented this much more than its first line


# Characters one cell wide, as rich measures them (a test checks each against rich.cells.cell_len): printable
# ASCII, Latin-1 and the Latin extensions, box drawing, and the symbols paramwise writes. A text of these alone is
# measured without importing rich (and the `typing` it imports), which a table of paramwise's own text never needs.
ONE_CELL = frozenset(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x300), *range(0x2500, 0x2580)])) | frozenset("←↑→↓≈≠≤≥−√∑…")


def cell_width(text: str) -> int:
    """Terminal cells of `text` (wide characters count two)."""
    if text.isascii() or ONE_CELL.issuperset(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def abbreviate(name: str, width: int) -> str:
    """`name` in at most `width` cells: whole when it fits, else its start and its end around `…`; the end is
    whole dotted parts where they fit (`model.layers.0.self_attn.q_proj` -> `model.layers.0…q_proj`)."""
    if cell_width(name) <= width:
        return name
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    tail = name[len(name) - keep // 2:] if keep // 2 else ""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):  # the longest run of last parts that leaves 8 cells to the head
        suffix = ".".join(parts[i:])
        if cell_width(suffix) > keep - min(8, keep // 2):
            break
        tail = suffix
    room = keep - cell_width(tail)
    head = name[:room]
    dot = head.rfind(".")
    if dot >= room * 2 // 3:  # end the head at a dot when that loses little
        head = head[:dot]
    out = head + ELLIPSIS + tail
    while cell_width(out) > width and head:  # wide characters: take off the head until it fits
        head = head[:-1]
        out = head + ELLIPSIS + tail
    while cell_width(out) > width and tail:
        tail = tail[1:]
        out = head + ELLIPSIS + tail
    return out


def _breaks(words: list[str]) -> list[tuple[bool, int]]:
    """For each gap before words[i] (i >= 1): whether it is at an operator, and the bracket depth there."""
    out = [(False, 0)]
    depth = 0
    for i in range(1, len(words)):
        before = words[i - 1]
        depth += sum(before.count(c) for c in OPENING) - sum(before.count(c) for c in CLOSING)
        at_operator = words[i] in OPERATORS or before.endswith((",", ";", ":"))  # `+` alone, not `--batch`
        out.append((at_operator, max(depth, 0)))
    return out


def wrap_formula(text: str, width: int, first: str = "", rest: str | None = None, *, prose: bool = False) -> list[str]:
    """`text` after `first` (a label, an indent), in lines of at most `width` cells. A formula breaks before an
    operator or after a comma, outside brackets where it can; prose (`prose=True`) between any words.
    Continuation lines start with `rest` (default: under the text, two further in). A word longer than a line
    is cut after a `·` or `×` if it has one."""
    rest = " " * cell_width(first) + CONTINUED if rest is None else rest
    words = text.split(" ")
    if cell_width(first + text) <= width or width - cell_width(rest) < 8:
        return [first + text]
    gaps = _breaks(words)
    lines: list[str] = []
    start, lead = 0, first
    while start < len(words):
        room = width - cell_width(lead)
        end, used = start, 0
        while end < len(words):
            size = cell_width(words[end]) + (1 if end > start else 0)
            if used + size > room:
                break
            used += size
            end += 1
        if end == len(words):
            lines.append(lead + " ".join(words[start:]))
            break
        if end == start:  # one word wider than the line
            piece, left = cut_word(words[start], room)
            lines.append(lead + piece)
            words[start] = left
            lead = rest
            continue
        if cell_width(words[end]) > width - cell_width(rest) and room - used > 8:  # a word no line holds: start it here
            piece, left = cut_word(words[end], room - used - 1)
            if piece and left:
                lines.append(lead + " ".join([*words[start:end], piece]))
                words[end] = left
                start, lead = end, rest
                continue
        cut = best_break(words, gaps, start, end, room, prose)
        lines.append(lead + " ".join(words[start:cut]))
        start, lead = cut, rest
    return lines


def best_break(words: list[str], gaps: list[tuple[bool, int]], start: int, end: int, room: int, prose: bool) -> int:
    """Where the line of words[start:end] (all of which fit) should end: the last gap at an operator, at the
    lowest bracket depth among those that fill at least half the line; any last gap otherwise."""
    if prose:
        return end
    candidates = [i for i in range(start + 1, end + 1) if i < len(words) and gaps[i][0]]
    if not candidates:
        return end
    filled = [i for i in candidates if cell_width(" ".join(words[start:i])) * 2 >= room]
    pool = filled or candidates
    lowest = min(gaps[i][1] for i in pool)
    return max(i for i in pool if gaps[i][1] == lowest)


WORD_BREAK = r"[·×*,]"  # patterns compiled (and cached by re) when a formula is wrapped
NAME_BREAK = r"/(?=[A-Za-z_])"  # running_mean/running_var: after a slash before a name, not in a/2


def cut_word(word: str, room: int) -> tuple[str, str]:
    """A word too long for its line: cut after its last `·`, `×`, `*` or `,` that fits, else after a slash
    between names, else at the width."""
    fits = word[:room]
    while cell_width(fits) > room:
        fits = fits[:-1]
    for marks in ([m.end() for m in re.finditer(WORD_BREAK, fits)], [m.end() for m in re.finditer(NAME_BREAK, fits)]):
        if marks and marks[-1] > room // 3:
            return word[:marks[-1]], word[marks[-1]:]
    return word[:len(fits)], word[len(fits):]


def fit_text(text: str, width: int | None) -> str:
    """Each line of `text` longer than `width` broken as a formula is (before an operator, after a comma, else
    between words), its continuation indented under it; `width` None leaves the text as it is."""
    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        if cell_width(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        out.extend(wrap_formula(line.lstrip(" "), width, indent))
    return "\n".join(out)
