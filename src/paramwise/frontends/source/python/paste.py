"""Clean text copied from a web page, a notebook or a terminal before it is parsed.

Each step keeps the line numbers of the input (a removed line becomes an empty one), so every later
warning and error names the line the user sees in their file. Each step that changes something says so
once, with the first line it touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ....errors import Diagnostic, Location

QUOTES = {"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'}
# look-alikes of ASCII operators and spaces that word processors and web pages put into code
LOOKALIKES = {
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u3000": " ",
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u00d7": "*", "\u2217": "*", "\u2026": "...", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
}
# Patterns compiled (and cached by `re`) only where a line may need them: each step first looks for what its
# pattern needs with string methods, so code that was not pasted compiles none of them (about 1 ms of a start).
FENCE = r"^\s*(```|~~~)"
PROMPT = r"^(>>> ?|\.\.\. ?|In \[\d*\]: ?|\s*\.\.\.: ?)"
RULER = r"^\s*([_=\-─━]{5,}|[┏┡└├┃│].*)\s*$"  # the frame of a printed model.summary() table
RULER_STARTS = tuple("_=-─━┏┡└├┃│")
NUMBERED = r"^\s*(\d+)[.:|)]?(?:\t| |$)"

Step = Callable[[str, list[str]], tuple[list[str], Diagnostic | None]]


def clean_paste(filename: str, text: str) -> tuple[str, list[Diagnostic]]:
    """Return the cleaned text and one warning per kind of damage found."""
    lines = text.splitlines()
    warnings: list[Diagnostic] = []
    lines = replace_characters(filename, lines, warnings)
    steps: list[Step] = [keep_fenced_code, strip_prompts, strip_line_numbers, drop_rulers, dedent]
    for step in steps:
        lines, warning = step(filename, lines)
        if warning is not None:
            warnings.append(warning)
    return "\n".join(lines) + "\n", warnings


def replace_characters(filename: str, lines: list[str], warnings: list[Diagnostic]) -> list[str]:
    """Curly quotes, non-breaking spaces, dashes and other look-alikes become their ASCII originals."""
    table = {**QUOTES, **LOOKALIKES}
    out = []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            out.append(line)
            continue
        cols = [i for i, ch in enumerate(line) if ch in table]
        if cols:
            found = sorted({line[i] for i in cols})
            what = "curly quotes" if all(ch in QUOTES for ch in found) else "characters " + " ".join(map(_visible, found))
            warnings.append(
                Diagnostic("pasted_text", f"replaced {what} on line {number} with plain ones", _at(filename, number, cols[0] + 1, line))
            )
            line = "".join(table.get(ch, ch) for ch in line)
        out.append(line)
    return out


def keep_fenced_code(filename: str, lines: list[str]) -> tuple[list[str], Diagnostic | None]:
    """Markdown: when the text has ``` fences, only what is inside them is code."""
    if not any("```" in line or "~~~" in line for line in lines):
        return lines, None
    fence = re.compile(FENCE)
    fences = [i for i, line in enumerate(lines) if fence.match(line)]
    if len(fences) < 2:
        if len(fences) == 1:  # an opening fence whose end was not copied
            lines = lines[:]
            lines[fences[0]] = ""
            return lines, _warning(filename, fences[0] + 1, "a markdown ``` fence line was removed")
        return lines, None
    inside = False
    out = []
    fence_lines = set(fences)
    for i, line in enumerate(lines):
        if i in fence_lines:
            inside = not inside
            out.append("")
        else:
            out.append(line if inside else "")
    return out, _warning(filename, fences[0] + 1, "read only the code inside the markdown ``` fences")


def strip_prompts(filename: str, lines: list[str]) -> tuple[list[str], Diagnostic | None]:
    """A Python or IPython session (`>>> `, `... `, `In [1]: `): keep the input, drop the printed output."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].startswith((">>>", "In [")) or not re.match(r"^(>>>|In \[\d*\]:)", lines[first]):
        return lines, None
    out = []
    prompt = re.compile(PROMPT)
    for line in lines:
        match = prompt.match(line)
        if match:
            out.append(line[match.end():])
        else:
            out.append("")  # output printed by the session (or an Out[n]: line)
    return out, _warning(filename, first + 1, "removed the >>> / ... prompts of an interactive session and its output")


def strip_line_numbers(filename: str, lines: list[str]) -> tuple[list[str], Diagnostic | None]:
    """A listing copied with its line numbers (`1 import keras`, `2. model = ...`)."""
    nonblank = [(i, rest) for i, line in enumerate(lines) if (rest := line.lstrip())]
    if sum(rest[0].isdigit() for _, rest in nonblank) < max(3, 0.8 * len(nonblank)):
        return lines, None  # fewer lines start with a number than a numbered listing has
    number = re.compile(NUMBERED)
    numbered = [(i, number.match(lines[i])) for i, _ in nonblank]
    hits = [(i, m) for i, m in numbered if m is not None]
    if len(hits) < 3 or len(hits) < 0.8 * len(numbered):
        return lines, None
    values = [int(m.group(1)) for _, m in hits]
    if any(b <= a for a, b in zip(values, values[1:])):
        return lines, None
    out = lines[:]
    for i, m in hits:
        out[i] = lines[i][m.end():]
    return out, _warning(filename, hits[0][0] + 1, "removed the line numbers copied with the code")


def drop_rulers(filename: str, lines: list[str]) -> tuple[list[str], Diagnostic | None]:
    """The `_____` and `=====` lines of a printed summary (`____` alone would even read as a name)."""
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith(RULER_STARTS)]
    ruler = re.compile(RULER) if starts else None
    hits = [i for i in starts if ruler is not None and ruler.match(lines[i])]
    if not hits:
        return lines, None
    dropped = set(hits)
    out = ["" if i in dropped else line for i, line in enumerate(lines)]
    return out, _warning(filename, hits[0] + 1, "removed the ruler lines of a printed table")


def dedent(filename: str, lines: list[str]) -> tuple[list[str], Diagnostic | None]:
    """Code copied from inside a function or a list item: every line starts with the same extra indent."""
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    if not indents or min(indents) == 0:
        return lines, None
    cut = min(indents)
    first = next(i for i, line in enumerate(lines) if line.strip())
    out = [line[cut:] if line.strip() else "" for line in lines]
    return out, _warning(filename, first + 1, f"every line was indented by {cut} character{'s' if cut > 1 else ''}; removed that indent")


def _warning(filename: str, line: int, message: str) -> Diagnostic:
    return Diagnostic("pasted_text", message, Location(filename, line, 1))


def _at(filename: str, line: int, col: int, text: str) -> Location:
    return Location(filename, line, col, text)


def _visible(ch: str) -> str:
    return ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
