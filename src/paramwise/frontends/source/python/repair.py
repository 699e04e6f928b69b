"""Parse Python source, recovering the damage that copying code from a web page does.

`paste.clean_paste` first removes what surrounds pasted code (look-alike characters, fences, prompts,
line numbers, rulers, a common indent). Then each syntax error is repaired where a repair is clear: a
missing comma between list items, a function body pasted without its indentation, a bracket never
closed, tabs mixed with spaces, a Python 2 `print`, prose or a printed summary around the code (read as
comments). Line numbers never move; each repair is a warning with its line:col in the repaired line it
shows. Anything else is a syntax error with a caret and a hint.
"""

from __future__ import annotations

import ast
import keyword
import re
import time

from .... import collect
from ....errors import Diagnostic, InputError, LimitError, Location
from ....frozen import replace
from . import interpreter as pyeval
from .paste import clean_paste

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from tokenize import TokenInfo

# The repairs run only on text that does not parse: their patterns are compiled (and cached by `re`), and
# tokenize imported, when a repair is first tried, not on every start.
MAX_REPAIRS = 300
INTERESTING = r"[\"'#()\[\]{}]"
PROSE_MARKERS = r"^\s*(\*\*|#{1,6}\s|[-*•]\s|\d+\.\s|>\s|\$\\)"
RULE = r"^\s*[_=\-─━┃│┏┓┗┛┡┩└┘├┤┼╇]{3,}"
# lines of a printed model.summary() copied with the code
SUMMARY = r"^\s*(Model: |Layer \(type\)|Total params:|Trainable params:|Non-trainable params:|[\w.]+ \([\w.]+\)\s{2,})"


def parse_source(filename: str, text: str) -> tuple[ast.Module, str, list[Diagnostic]]:
    """Parse `text`, repairing pasted-code damage; returns (tree, repaired text, warnings)."""
    started = time.process_time()
    text, warnings = clean_paste(filename, text)
    cleaned = text.splitlines()
    first: tuple[str, SyntaxError] | None = None
    for _ in range(MAX_REPAIRS):
        if (limit := pyeval.time_limit()) and time.process_time() - started > limit:
            raise LimitError(f"{filename}: repairing this text takes more than {limit:g} s; stopped",
                             hint="check that this is Python code (or allow more time with PARAMWISE_TIME_LIMIT=SECONDS)")
        try:
            tree = _parse(filename, text)
        except SyntaxError as e:
            first = first or (text, e)
            repaired = _repair(filename, text, e, warnings)
            if repaired is None:
                # a guess that led nowhere (e.g. closing a bracket) must not hide the real first error
                shown_text, shown = first if _is_guess(first[1]) else (text, e)
                raise _syntax_error(filename, shown_text, shown) from e
            text = repaired
            continue
        return tree, *_restore_columns(tree, cleaned, text.splitlines(), warnings)
    raise InputError(f"{filename}: too many syntax errors to repair", hint="check that this is Python code")


def _parse(filename: str, text: str) -> ast.Module:
    """ast.parse, with Python's own limits (nesting, null bytes) as the input's errors."""
    try:
        with collect.paused():  # an AST holds no cycles: see collect.py
            return ast.parse(text, filename=filename)
    except (RecursionError, MemoryError):
        raise LimitError(f"{filename}: this code nests too deeply for Python's parser",
                         hint=pyeval.LIMIT_HINT, location=Location(filename)) from None
    except ValueError as e:  # e.g. "source code string cannot contain null bytes"
        raise InputError(f"{filename}: this is not Python source ({e})", hint="check that this is a Python file",
                         location=Location(filename)) from None


def _restore_columns(
    tree: ast.Module, cleaned: list[str], final: list[str], warnings: list[Diagnostic]
) -> tuple[str, list[Diagnostic]]:
    """Columns of the text the user pasted, on lines a repair indented (a function body pasted flat).

    Returns the text to show in messages: those lines as pasted, every other line as repaired.
    """
    shifts: dict[int, int] = {}
    display = final[:]
    for number, (before, after) in enumerate(zip(cleaned, final), 1):
        if before is after or before == after:
            continue
        delta = (len(after) - len(after.lstrip())) - (len(before) - len(before.lstrip()))
        if delta > 0 and before.strip() and after.strip().startswith(before.strip()[:8]):
            shifts[number] = delta
            display[number - 1] = before
    for node in ast.walk(tree) if shifts else ():
        line, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if line in shifts:
            node.col_offset = max(node.col_offset - shifts[line], 0)  # type: ignore[attr-defined]
        if end in shifts and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset = max(node.end_col_offset - shifts[end], 0)  # type: ignore[attr-defined]
    out = []
    for w in warnings:
        loc = w.location
        if loc is not None and loc.line in shifts and _indent(loc.source_line) == _indent(final[loc.line - 1]):
            w = replace(w, location=replace(loc, col=max(loc.col - shifts[loc.line], 1), source_line=display[loc.line - 1]))
        out.append(w)
    return "\n".join(display) + "\n", out


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _repair(filename: str, text: str, e: SyntaxError, warnings: list[Diagnostic]) -> str | None:
    msg = e.msg or ""
    lines = text.splitlines()
    if isinstance(e, TabError) or msg.startswith("inconsistent use of tabs"):
        return _expand_tabs(filename, lines, e.lineno or 1, warnings)
    if msg.startswith("Missing parentheses in call to 'print'") and e.lineno:
        return _print_call(filename, lines, e.lineno, warnings)
    if msg.startswith("expected an indented block") and e.lineno:
        return _indent_body(filename, lines, e.lineno, warnings)
    if "Perhaps you forgot a comma" in msg and e.lineno and e.end_lineno:
        return _insert_comma(filename, lines, e, warnings)
    match = re.match(r"'([(\[{])' was never closed", msg)
    if match and e.lineno and e.offset:
        return _close_bracket(filename, lines, e.lineno, e.offset, match.group(1), warnings)
    if e.lineno and 0 < e.lineno <= len(lines) and _is_prose(lines[e.lineno - 1]):
        top_level = not lines[e.lineno - 1][:1].isspace()
        end = _comment_prose_lines(filename, lines, e.lineno, warnings)
        if top_level:  # the other prose of a long page, at once (one parse of the page, not one per paragraph)
            _comment_later_prose(filename, lines, end, warnings)
        return "\n".join(lines) + "\n"
    return None


def _expand_tabs(filename: str, lines: list[str], line: int, warnings: list[Diagnostic]) -> str:
    """Tabs and spaces mixed in indentation: read a leading tab as 4 spaces, as most editors show it."""
    out = []
    for text in lines:
        body = text.lstrip(" \t")
        out.append(text[: len(text) - len(body)].expandtabs(4) + body)
    warnings.append(Diagnostic("pasted_text", "indentation mixes tabs and spaces; read each tab as 4 spaces", Location(filename, line, 1)))
    return "\n".join(out) + "\n"


def _print_call(filename: str, lines: list[str], line: int, warnings: list[Diagnostic]) -> str | None:
    """Python 2's `print x` statement becomes `print(x)`."""
    text = lines[line - 1]
    match = re.match(r"^(\s*)print\s+(.*?)\s*$", text)
    if match is None:
        return None
    lines[line - 1] = f"{match.group(1)}print({match.group(2)})"
    warnings.append(Diagnostic("pasted_text", "Python 2 print statement; read it as print(...)", Location(filename, line, len(match.group(1)) + 1, text)))
    return "\n".join(lines) + "\n"


def _is_prose(text: str) -> bool:
    """A line of an article or a printed summary table that was copied along with the code."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#") or keyword.iskeyword(stripped.split()[0].rstrip(":")):
        return False
    if re.match(RULE, stripped) or re.match(PROSE_MARKERS, stripped) or re.match(SUMMARY, stripped):
        return True
    words = re.findall(r"[A-Za-z]{2,}", stripped)
    if not words:
        return False
    plain = sum(ch.isalpha() or ch.isspace() for ch in stripped)
    no_code = not any(ch in "=()[]{}" for ch in stripped)
    sentence = any(
        sum(not keyword.iskeyword(w) for w in run.split()) >= 2
        for run in re.findall(r"[A-Za-z']{2,}(?: [A-Za-z']{2,}){2,}", stripped)
    )
    full_stop = bool(re.search(r"[\w)]\.$|[?!]$", stripped))
    wordy = len(words) >= 3 and plain >= 0.75 * len(stripped) and "=" not in stripped and not stripped.endswith(tuple("([{,:"))
    return (no_code or sentence or full_stop or wordy) and not _parses(stripped)


def _parses(text: str) -> bool:
    try:
        ast.parse(text + "\n    pass" if text.endswith(":") else text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _comment_prose_lines(filename: str, lines: list[str], line: int, warnings: list[Diagnostic]) -> int:
    """Read the prose line (and the prose lines right after it) as comments; returns the last line commented."""
    end = line
    while end < len(lines) and (_is_prose(lines[end]) or not lines[end].strip()):
        end += 1
    while end > line and not lines[end - 1].strip():
        end -= 1
    original = lines[line - 1]
    for i in range(line - 1, end):
        if lines[i].strip():
            indent = len(lines[i]) - len(lines[i].lstrip())
            lines[i] = lines[i][:indent] + "# " + lines[i][indent:]
    span = f"line {line}" if end == line else f"lines {line}-{end}"
    warnings.append(
        Diagnostic("pasted_text", f"{span}: text that is not code (prose or printed output); read as comments",
                   Location(filename, line, 1, original))
    )
    return end


def _comment_later_prose(filename: str, lines: list[str], start: int, warnings: list[Diagnostic]) -> None:
    """Comment the prose paragraphs after line `start` that stand outside any bracket or string, as the parser
    would find them one by one (a print statement is left to its own repair)."""
    depth, quote = 0, ""
    i = start
    while i < len(lines):
        text = lines[i]
        if (depth == 0 and not quote and text[:1].strip() and _scan(text, 0, "") == (0, "") and _is_prose(text)
                and not re.match(r"print\b", text)):
            i = _comment_prose_lines(filename, lines, i + 1, warnings)
            continue
        depth, quote = _scan(text, depth, quote)
        i += 1


def _scan(text: str, depth: int, quote: str) -> tuple[int, str]:
    """The bracket depth and the open triple quote after a line, from those before it."""
    if not quote and not re.search(INTERESTING, text):
        return depth, quote
    i = 0
    while i < len(text):
        if quote:
            j = text.find(quote, i)
            if j < 0:
                return depth, quote
            i, quote = j + 3, ""
            continue
        ch = text[i]
        if ch == "#":
            break
        if text.startswith(('"""', "'''"), i):
            quote, i = text[i : i + 3], i + 3
            continue
        if ch in "'\"":
            j = i + 1
            while j < len(text) and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        i += 1
    return depth, quote


def _indent_body(filename: str, lines: list[str], start: int, warnings: list[Diagnostic]) -> str:
    """A def pasted without indentation: indent up to its `return` (or the next top-level def)."""
    end = start - 1
    while end < len(lines):
        stripped = lines[end]
        if end > start - 1 and re.match(r"(def|class|@)\b", stripped):
            break
        end += 1
        if re.match(r"return\b", stripped):
            break
    for i in range(start - 1, end):
        if lines[i].strip():
            lines[i] = "    " + lines[i]
    warnings.append(
        Diagnostic(
            "pasted_text",
            f"the body of the function above line {start} had no indentation; indented lines {start}-{end}",
            Location(filename, start, 1, lines[start - 1].strip()),
        )
    )
    return "\n".join(lines) + "\n"


def _insert_comma(filename: str, lines: list[str], e: SyntaxError, warnings: list[Diagnostic]) -> str | None:
    """Find, between the two expressions Python points at, the first place one ends and the next starts."""
    import io
    import tokenize

    region = "\n".join(lines[(e.lineno or 1) - 1 : e.end_lineno])
    first_col = (e.offset or 1) - 1
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(region[first_col:] if "\n" not in region[:first_col] else region).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        tokens = _tokens_until_error(region[first_col:])
    depth = 0
    previous: TokenInfo | None = None
    for tok in tokens:
        if tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue
        starts_value = tok.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING) and not keyword.iskeyword(tok.string)
        if depth == 0 and previous is not None and starts_value and _ends_value(previous):
            line = (e.lineno or 1) + previous.end[0] - 1
            col = previous.end[1] + (first_col if previous.end[0] == 1 else 0)
            text = lines[line - 1]
            lines[line - 1] = text[:col] + "," + text[col:]
            warnings.append(
                Diagnostic("pasted_text", "inserted a missing comma between two items", Location(filename, line, col + 1, text))
            )
            return "\n".join(lines) + "\n"
        if tok.string in "([{":
            depth += 1
        elif tok.string in ")]}":
            depth -= 1
        previous = tok
    return None


def _tokens_until_error(text: str) -> list[TokenInfo]:
    import io
    import tokenize

    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            out.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def _ends_value(tok: TokenInfo) -> bool:
    import tokenize

    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("None", "True", "False")
    return tok.type in (tokenize.NUMBER, tokenize.STRING) or tok.string in ")]}"


def _close_bracket(
    filename: str, lines: list[str], line_no: int, offset: int, opener: str, warnings: list[Diagnostic]
) -> str | None:
    """Close a bracket at the end of the last line before the next statement starts."""
    closer = {"(": ")", "[": "]", "{": "}"}[opener]
    indent = len(lines[line_no - 1]) - len(lines[line_no - 1].lstrip())
    depth = 0
    last = None
    for i in range(line_no - 1, len(lines)):
        text = lines[i] if i != line_no - 1 else " " * (offset - 1) + lines[i][offset - 1 :]
        depth += _bracket_balance(text)
        if depth <= 1 and i >= line_no - 1 and text.strip():
            last = i
            nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            if nxt is None or (len(lines[nxt]) - len(lines[nxt].lstrip()) <= indent and depth == 1 and i > line_no - 1):
                break
    if last is None:
        return None
    lines[last] = lines[last].rstrip() + closer
    warnings.append(
        Diagnostic(
            "pasted_text",
            f"the {opener!r} opened at line {line_no} was never closed; closed it at the end of line {last + 1}",
            Location(filename, line_no, offset, lines[line_no - 1]),
        )
    )
    return "\n".join(lines) + "\n"


def _bracket_balance(text: str) -> int:
    balance, quote = 0, ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            break
        elif ch in "([{":
            balance += 1
        elif ch in ")]}":
            balance -= 1
    return balance


def _is_guess(e: SyntaxError) -> bool:
    msg = e.msg or ""
    return "never closed" in msg or "Perhaps you forgot a comma" in msg


def _syntax_error(filename: str, text: str, e: SyntaxError) -> InputError:
    line = e.lineno or 0
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = "paramwise reads Python source; check the line above"
    if "unterminated string" in (e.msg or ""):
        hint = "close the string with the same quote it opens with"
    elif "never closed" in (e.msg or ""):
        hint = "add the missing closing bracket"
    return InputError(f"syntax error: {e.msg}", hint=hint, location=Location(filename, line, e.offset or 1, source))
